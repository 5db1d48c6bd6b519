using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models;

/// <summary>
/// <c>linear-probe</c>: logistic regression on the raw concatenated teacher features. Its "features" are its
/// input, so the trainer treats it like any downstream model.
/// </summary>
public sealed class LinearProbeModel : DownstreamModel
{
    private readonly Linear head;

    public LinearProbeModel(int teacherDim, int numClasses) : base("linear-probe")
    {
        if (teacherDim <= 0) throw new ArgumentOutOfRangeException(nameof(teacherDim), teacherDim, "teacher width must be positive");
        FeatureDim = teacherDim;
        head = nn.Linear(teacherDim, numClasses);
        RegisterComponents();
    }

    public override int FeatureDim { get; }
    public override string HeadName => "head";
    public override Tensor Features(Tensor x) => x.alias();
    public override Tensor Head(Tensor features) => head.forward(features);

    protected override void Dispose(bool disposing)
    {
        if (disposing) head.Dispose();
        base.Dispose(disposing);
    }
}
