namespace AftSweep.Contracts.Grid;

/// <summary>
/// The training block of grid.json (methods.md, "Training protocol"). Nullable members take the protocol's
/// default at resolution time (<see cref="Resolve"/>), so a grid that omits them is hashed the same as one
/// that spells the defaults out.
/// </summary>
[GenerateSerializer, Immutable, Alias("aftsweep.TrainingConfig.v1")]
public sealed record TrainingConfig
{
    public const int DefaultSteps = 5000;
    public const int DefaultImageBatchSize = 128;
    public const int DefaultTextBatchSize = 64;
    public const double DefaultLr = 1e-3;
    public const double DefaultPriorLr = 1e-2;
    public const int DefaultBilevelInnerSteps = 5;

    [Id(0)] public int? Steps { get; init; }
    [Id(1)] public int? BatchSize { get; init; }
    /// <summary>Only "adam" in v1.</summary>
    [Id(2)] public string? Optimizer { get; init; }
    [Id(3)] public double? Lr { get; init; }
    [Id(4)] public double? WeightDecay { get; init; }
    [Id(5)] public double? PriorLr { get; init; }
    /// <summary>auto | cpu | cuda:N.</summary>
    [Id(6)] public string? Device { get; init; }
    /// <summary>aft-bilevel: s-only steps per joint step (k).</summary>
    [Id(7)] public int? InnerSteps { get; init; }
    /// <summary>Per-trial wall-clock limit in seconds; null = none.</summary>
    [Id(8)] public double? TimeoutSeconds { get; init; }

    /// <summary>Fields set here win over <paramref name="baseline"/>.</summary>
    public TrainingConfig OverlayOn(TrainingConfig baseline) => new()
    {
        Steps = Steps ?? baseline.Steps,
        BatchSize = BatchSize ?? baseline.BatchSize,
        Optimizer = Optimizer ?? baseline.Optimizer,
        Lr = Lr ?? baseline.Lr,
        WeightDecay = WeightDecay ?? baseline.WeightDecay,
        PriorLr = PriorLr ?? baseline.PriorLr,
        Device = Device ?? baseline.Device,
        InnerSteps = InnerSteps ?? baseline.InnerSteps,
        TimeoutSeconds = TimeoutSeconds ?? baseline.TimeoutSeconds,
    };

    /// <summary>Every default filled in for a method and dataset kind: what a trial actually trains with.</summary>
    public ResolvedTraining Resolve(Methods.MethodInfo method, DatasetKind kind)
    {
        var lr = Lr ?? DefaultLr;
        return new ResolvedTraining
        {
            Steps = Steps ?? DefaultSteps,
            BatchSize = BatchSize ?? (kind == DatasetKind.Text ? DefaultTextBatchSize : DefaultImageBatchSize),
            Optimizer = Optimizer ?? "adam",
            Lr = lr,
            WeightDecay = WeightDecay ?? 0,
            PriorLr = method.PriorLrFollowsModelLr ? lr : PriorLr ?? DefaultPriorLr,
            Device = Device ?? "auto",
            InnerSteps = InnerSteps ?? DefaultBilevelInnerSteps,
            TimeoutSeconds = TimeoutSeconds,
        };
    }
}

/// <summary>Training settings with every default applied. Part of a trial's identity, except Device.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.ResolvedTraining.v1")]
public sealed record ResolvedTraining
{
    [Id(0)] public required int Steps { get; init; }
    [Id(1)] public required int BatchSize { get; init; }
    [Id(2)] public required string Optimizer { get; init; }
    [Id(3)] public required double Lr { get; init; }
    [Id(4)] public required double WeightDecay { get; init; }
    [Id(5)] public required double PriorLr { get; init; }
    [Id(6)] public required string Device { get; init; }
    [Id(7)] public required int InnerSteps { get; init; }
    [Id(8)] public double? TimeoutSeconds { get; init; }
}
