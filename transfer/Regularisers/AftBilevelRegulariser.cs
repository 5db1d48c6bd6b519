namespace AftSweep.Transfer.Regularisers;

/// <summary>
/// aft-bilevel: the AFT loss, but on k of every k+1 steps (steps are 0-based: step % (k+1) &lt; k) only s updates and
/// the trainer detaches the model's features; every (k+1)-th step is joint.
/// </summary>
public sealed class AftBilevelRegulariser : AftRegulariser
{
    public AftBilevelRegulariser(int teacherDim, int innerSteps) : base("aft-bilevel", teacherDim, KernelKind.Linear, learnS: true)
    {
        if (innerSteps < 0) throw new ArgumentOutOfRangeException(nameof(innerSteps), innerSteps, "aft-bilevel inner steps must be >= 0");
        InnerSteps = innerSteps;
    }

    public int InnerSteps { get; }

    public override bool IsInnerStep(int step) => step % (InnerSteps + 1) < InnerSteps;
}
