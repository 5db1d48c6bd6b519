using AftSweep.Contracts.Methods;

namespace AftSweep.Contracts.Protocol;

/// <summary>Why a baseline is compared with aft (methods.md, "Paper outputs AftSweep reproduces").</summary>
public enum BaselineRole
{
    /// <summary>aft - stl (stl has no combo: the same stl seeds pair with every combo).</summary>
    Stl = 1,
    /// <summary>aft - kd on the same combo.</summary>
    Kd = 2,
    /// <summary>aft - the non-AFT method (ablations excluded) with the highest mean in the combo's column.</summary>
    BestOther = 3,
    /// <summary>aft - one of its ablations on the same combo (the ablation table).</summary>
    Ablation = 4,
}

/// <summary>One paired comparison of a dataset's table: <see cref="Method"/> - <see cref="Baseline"/> in column <see cref="Combo"/>.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.PairedComparison.v1")]
public sealed record PairedComparison
{
    /// <summary>The column: the combo key (teacher names joined by '+').</summary>
    [Id(0)] public required string Combo { get; init; }
    [Id(1)] public required MethodId Method { get; init; }
    [Id(2)] public required MethodId Baseline { get; init; }
    [Id(3)] public required BaselineRole Role { get; init; }
    [Id(4)] public required PairedDifference Difference { get; init; }
}
