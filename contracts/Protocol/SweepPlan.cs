using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;

namespace AftSweep.Contracts.Protocol;

/// <summary>A grid expanded per grid.md: cells, their stage-1 trials, and how to make stage-2 trials.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.SweepPlan.v1")]
public sealed record SweepPlan
{
    /// <summary>Content hash of the canonical grid (+ code version): resubmitting the same grid is the same sweep.</summary>
    [Id(0)] public required string SweepId { get; init; }
    [Id(1)] public required GridSpec Grid { get; init; }
    [Id(2)] public required string DatasetFingerprint { get; init; }
    [Id(3)] public required IReadOnlyList<CellPlan> Cells { get; init; }

    public int SelectionTrialCount => Cells.Sum(c => c.SelectionTrials.Count);
    public int FinalTrialCount => Cells.Sum(c => c.FinalSeeds.Count);
    public int TotalTrialCount => SelectionTrialCount + FinalTrialCount;
}

/// <summary>One (dataset, downstream model, method, teacher combo) cell of the paper's table.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.CellPlan.v1")]
public sealed record CellPlan
{
    /// <summary>"method|combo" (combo = teacher names joined by '+', empty for stl/scratch).</summary>
    [Id(0)] public required string Key { get; init; }
    [Id(1)] public required MethodId Method { get; init; }
    [Id(2)] public required IReadOnlyList<TeacherRef> Combo { get; init; }
    /// <summary>Stage 1: every lambda x selection seed. Empty for methods with no lambda.</summary>
    [Id(3)] public required IReadOnlyList<TrialSpec> SelectionTrials { get; init; }
    /// <summary>Stage 2 seeds (the grid's seeds).</summary>
    [Id(4)] public required IReadOnlyList<int> FinalSeeds { get; init; }
    /// <summary>Stage-2 template: everything but lambda and seed, with an empty Id; make real trials with SweepLedger.FinalTrial.</summary>
    [Id(5)] public required TrialSpec FinalTemplate { get; init; }

    public string ComboKey => string.Join("+", Combo.Select(t => t.Name));
    public bool NeedsSelection => SelectionTrials.Count > 0;
}
