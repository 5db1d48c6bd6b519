using AftSweep.Transfer.Regularisers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Tests.Training;

/// <summary>
/// Test-only regulariser (not the real kd): R = mean((P(g) - phi)^2) with a learned linear P, plus an optional
/// inner-step pattern, so the trainer's parameter groups and bilevel handling can be tested before the real
/// regularisers land.
/// </summary>
internal sealed class KdLikeTestRegulariser : Regulariser
{
    private readonly Linear projection;
    private readonly Func<int, bool> _inner;

    public KdLikeTestRegulariser(int studentDim, int teacherDim, Func<int, bool>? inner = null) : base("kd-like-test")
    {
        projection = nn.Linear(studentDim, teacherDim);
        _inner = inner ?? (_ => false);
        RegisterComponents();
    }

    public Linear Projection => projection;

    public override Tensor Compute(Tensor g, Tensor phi) => (projection.forward(g) - phi).pow(2).mean();

    public override bool IsInnerStep(int step) => _inner(step);
}
