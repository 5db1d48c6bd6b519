using AftSweep.Contracts.Grid;

namespace AftSweep.Contracts.Protocol;

/// <summary>Everything the paper's tables are built from, per dataset (and downstream model) of a sweep.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.SweepSummary.v1")]
public sealed record SweepSummary
{
    [Id(0)] public required IReadOnlyList<string> SweepIds { get; init; }
    [Id(1)] public required IReadOnlyList<DatasetSummary> Datasets { get; init; }
}

[GenerateSerializer, Immutable, Alias("aftsweep.DatasetSummary.v1")]
public sealed record DatasetSummary
{
    [Id(0)] public required string Dataset { get; init; }
    [Id(1)] public required DownstreamSpec Downstream { get; init; }
    /// <summary>Teacher combos seen, fewest teachers first, then by key in natural order: the table's column order.</summary>
    [Id(2)] public required IReadOnlyList<IReadOnlyList<TeacherRef>> Combos { get; init; }
    /// <summary>Cells in catalog method order, then combo order.</summary>
    [Id(3)] public required IReadOnlyList<CellSummary> Cells { get; init; }
    [Id(4)] public required int ExpectedSeeds { get; init; }
    /// <summary>aft vs stl, kd, the best other baseline and its ablations, paired by seed per combo (<see cref="AftComparisons"/>).</summary>
    [Id(5)] public IReadOnlyList<PairedComparison> Comparisons { get; init; } = [];

    /// <summary>"sst2 (text-transformer)".</summary>
    public string Title => $"{Dataset} ({Downstream.Model})";

    /// <summary>methods.md: with no pre-trained weights stl and scratch train the same model from random init.</summary>
    public bool StlEqualsScratch => Downstream.Init is null;
}
