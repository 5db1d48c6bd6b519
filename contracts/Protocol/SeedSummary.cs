namespace AftSweep.Contracts.Protocol;

/// <summary>Test accuracy of one cell over its finished stage-2 seeds, as sweep status reports it.</summary>
/// <param name="Count">Finished seeds.</param>
/// <param name="Mean">Mean accuracy; NaN when <paramref name="Count"/> is 0.</param>
/// <param name="StandardError">Sample standard deviation (n-1) / sqrt(n); null when fewer than two seeds.</param>
/// <param name="Flagged">Fewer finished seeds than expected (the grid's seed count): reported, but marked.</param>
[GenerateSerializer, Immutable, Alias("aftsweep.SeedSummary.v1")]
public sealed record SeedSummary(
    [property: Id(0)] int Count,
    [property: Id(1)] double Mean,
    [property: Id(2)] double? StandardError,
    [property: Id(3)] bool Flagged);
