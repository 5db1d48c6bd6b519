using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models;

/// <summary><c>mlp</c>: flatten, in -> 256 -> 256 with ReLU (features 256), linear head.</summary>
public sealed class MlpModel : DownstreamModel
{
    public const int Hidden = 256;

    private readonly Linear fc1;
    private readonly Linear fc2;
    private readonly Linear head;

    public MlpModel(int inputDim, int numClasses) : base("mlp")
    {
        if (inputDim <= 0) throw new ArgumentOutOfRangeException(nameof(inputDim), inputDim, "input width must be positive");
        fc1 = nn.Linear(inputDim, Hidden);
        fc2 = nn.Linear(Hidden, Hidden);
        head = nn.Linear(Hidden, numClasses);
        RegisterComponents();
    }

    public override int FeatureDim => Hidden;
    public override string HeadName => "head";

    public override Tensor Features(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.relu(fc1.call(x.flatten(1)));
        return nn.functional.relu(fc2.call(h)).MoveToOuterDisposeScope();
    }

    public override Tensor Head(Tensor features) => head.call(features);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            fc1.Dispose();
            fc2.Dispose();
            head.Dispose();
        }
        base.Dispose(disposing);
    }
}
