namespace AftSweep.Contracts.Trials;

/// <summary>
/// How a <c>linear-probe</c> trial fitted its logistic regression (methods.md, "STL, scratch and the linear probe"):
/// the L2 strength chosen on a holdout of the trial's training rows, every candidate's holdout accuracy, and whether
/// the refit on all the training rows converged.
/// </summary>
[GenerateSerializer, Immutable, Alias("aftsweep.LinearProbeResult.v1")]
public sealed record LinearProbeResult
{
    /// <summary>The chosen L2 strength (a value of <see cref="Candidates"/>; relative to the features' scale, see docs/methods.md).</summary>
    [Id(0)] public required double L2 { get; init; }
    /// <summary>Every L2 of the grid, ascending, with its holdout accuracy.</summary>
    [Id(1)] public required IReadOnlyList<ProbeL2Score> Candidates { get; init; }
    /// <summary>Rows of the trial's training set held out to choose <see cref="L2"/>.</summary>
    [Id(2)] public required int HoldoutRows { get; init; }
    /// <summary>L-BFGS iterations of the refit on all the training rows.</summary>
    [Id(3)] public required int Iterations { get; init; }
    /// <summary>The refit met its gradient or loss-change tolerance before the iteration cap.</summary>
    [Id(4)] public required bool Converged { get; init; }
    /// <summary>max |gradient| of the penalised loss at the refit's solution.</summary>
    [Id(5)] public required double GradientMaxAbs { get; init; }
    /// <summary>Why the refit stopped: "gradient", "loss-change" (both converged), "iteration-cap" or "line-search".</summary>
    [Id(6)] public required string Stop { get; init; }
    /// <summary>Mean squared L2 norm of the refit's feature rows: the penalty is (L2 * this / 2) * ||W||^2.</summary>
    [Id(7)] public required double FeatureScale { get; init; }

    /// <summary>The chosen L2 is the smallest or largest of a grid of several: the best value may lie outside it.</summary>
    public bool AtEdge => Candidates.Count > 1 && (L2 == Candidates[0].L2 || L2 == Candidates[^1].L2);
}

/// <summary>One L2 strength fitted on the 90% part of the training rows and scored on the 10% holdout.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.ProbeL2Score.v1")]
public sealed record ProbeL2Score(
    [property: Id(0)] double L2,
    [property: Id(1)] double HoldoutAccuracy,
    [property: Id(2)] int Iterations,
    [property: Id(3)] bool Converged);
