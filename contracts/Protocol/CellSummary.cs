using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;

namespace AftSweep.Contracts.Protocol;

/// <summary>
/// One (method, teacher combo) cell of a dataset's table, aggregated from trial records: the lambda choice, the
/// final accuracy per seed and their statistics, what failed, and the learned rho per teacher.
/// </summary>
[GenerateSerializer, Immutable, Alias("aftsweep.CellSummary.v1")]
public sealed record CellSummary
{
    [Id(0)] public required MethodId Method { get; init; }
    /// <summary>Teachers in concatenation order; empty for stl and scratch.</summary>
    [Id(1)] public required IReadOnlyList<TeacherRef> Combo { get; init; }
    /// <summary>Stage-1 outcome (null for methods without lambda, or before any selection trial finished).</summary>
    [Id(2)] public LambdaChoice? Selection { get; init; }
    /// <summary>The lambda the reported final accuracies were trained with (null for stl, scratch, linear-probe).</summary>
    [Id(3)] public double? ChosenLambda { get; init; }
    /// <summary>Succeeded final trials with <see cref="ChosenLambda"/>, by seed.</summary>
    [Id(4)] public required IReadOnlyList<SeedAccuracy> FinalAccuracies { get; init; }
    /// <summary>Null when no final trial has finished yet.</summary>
    [Id(5)] public SeedStatistics? Statistics { get; init; }
    [Id(6)] public required int ExpectedSeeds { get; init; }
    [Id(7)] public required IReadOnlyList<FailedTrial> FailedTrials { get; init; }
    /// <summary>Trials of this cell neither succeeded nor failed (pending, leased, running, cancelled).</summary>
    [Id(8)] public int UnfinishedTrials { get; init; }
    /// <summary>aft-style methods: per teacher, rho sums averaged over the final seeds.</summary>
    [Id(9)] public IReadOnlyList<TeacherRhoSummary> RhoByTeacher { get; init; } = [];
    /// <summary>Inconsistencies found in the records that did not stop aggregation.</summary>
    [Id(10)] public IReadOnlyList<string> Warnings { get; init; } = [];
    /// <summary>Every lambda the selection stage tried (any status), ascending; empty without selection records.</summary>
    [Id(11)] public IReadOnlyList<double> LambdaGrid { get; init; } = [];
    /// <summary>Holdout rows the lambda choice was made on (the selection records' evaluation rows); null without them.</summary>
    [Id(12)] public int? HoldoutRows { get; init; }
    /// <summary>linear-probe: its L2 choice and convergence over the final seeds; null for every other method.</summary>
    [Id(13)] public ProbeSummary? Probe { get; init; }

    public string ComboKey => string.Join("+", Combo.Select(t => t.Name));
    public int N => FinalAccuracies.Count;
    /// <summary>Fewer finished seeds than the sweep asked for (the grid's seed count; 3 by the paper's protocol).</summary>
    public bool Flagged => N < ExpectedSeeds;
    public MethodInfo Info => MethodCatalog.Get(Method);
    /// <summary>The chosen lambda sits at an end of a grid of several ("widen the grid"); the probe's L2 likewise.</summary>
    public LambdaEdge LambdaEdge => Probe?.Edge ?? LambdaEdges.Of(ChosenLambda, LambdaGrid);
}

[GenerateSerializer, Immutable, Alias("aftsweep.SeedAccuracy.v1")]
public sealed record SeedAccuracy([property: Id(0)] int Seed, [property: Id(1)] double Accuracy, [property: Id(2)] string TrialId);

/// <summary>A trial whose last attempt failed, with the newest error.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.FailedTrial.v1")]
public sealed record FailedTrial(
    [property: Id(0)] string TrialId,
    [property: Id(1)] TrialStage Stage,
    [property: Id(2)] double? Lambda,
    [property: Id(3)] int Seed,
    [property: Id(4)] int Attempts,
    [property: Id(5)] string LastError);

/// <summary>Learned rho of one teacher's block, averaged over a cell's finished final seeds.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.TeacherRhoSummary.v1")]
public sealed record TeacherRhoSummary(
    [property: Id(0)] string Teacher,
    [property: Id(1)] string Spec,
    [property: Id(2)] int Width,
    [property: Id(3)] double MeanSum,
    [property: Id(4)] int Seeds)
{
    /// <summary>Mean rho per feature of this teacher (sum / width).</summary>
    public double MeanRho => Width == 0 ? 0 : MeanSum / Width;

    /// <summary>Features of a noise:D teacher (methods.md, "Noise teacher").</summary>
    public bool IsNoise => NoiseTeacher.TryParseWidth(Spec, out _);
}
