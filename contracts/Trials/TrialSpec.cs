using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Methods;

namespace AftSweep.Contracts.Trials;

/// <summary>
/// Everything one trial needs, fully resolved. Its canonical JSON (minus <see cref="Id"/>) plus the code version
/// and the dataset's content fingerprint is hashed into <see cref="Id"/>, so the same trial has the same id on
/// every machine and in every sweep.
/// </summary>
[GenerateSerializer, Immutable, Alias("aftsweep.TrialSpec.v1")]
public sealed record TrialSpec
{
    /// <summary>Content-addressed id (lowercase hex).</summary>
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required TrialStage Stage { get; init; }
    [Id(2)] public required MethodId Method { get; init; }
    /// <summary>Regularisation strength beta; null for stl, scratch and linear-probe.</summary>
    [Id(3)] public double? Lambda { get; init; }
    /// <summary>The teacher combination, in concatenation order; empty for stl and scratch.</summary>
    [Id(4)] public required IReadOnlyList<TeacherRef> Combo { get; init; }
    [Id(5)] public required int Seed { get; init; }
    [Id(6)] public required DatasetSpec Dataset { get; init; }
    /// <summary>sha256 of the dataset's files and loader options (DatasetFingerprint).</summary>
    [Id(7)] public required string DatasetFingerprint { get; init; }
    [Id(8)] public required DownstreamSpec Downstream { get; init; }
    [Id(9)] public required ResolvedTraining Training { get; init; }
    [Id(10)] public required double HoldoutFraction { get; init; }
    [Id(11)] public required int SplitSeed { get; init; }

    public string ComboKey => string.Join("+", Combo.Select(t => t.Name));
}
