namespace AftSweep.Contracts.Trials;

/// <summary>What a finished trial reports (engine output; also the JSON record written to the store).</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.TrialResult.v1")]
public sealed record TrialResult
{
    /// <summary>Accuracy of the final weights on <see cref="EvaluatedOn"/> ("holdout" or "test").</summary>
    [Id(0)] public required double Accuracy { get; init; }
    [Id(1)] public required string EvaluatedOn { get; init; }
    /// <summary>Cross-entropy of the last epoch (mean over its steps).</summary>
    [Id(2)] public required double FinalCrossEntropy { get; init; }
    /// <summary>Regulariser value R of the last epoch (mean over its steps); 0 when unregularised.</summary>
    [Id(3)] public required double FinalRegulariser { get; init; }
    /// <summary>Learned rho = sigmoid(s) for aft-style methods; empty otherwise.</summary>
    [Id(4)] public IReadOnlyList<float> Rho { get; init; } = [];
    /// <summary>Per teacher (combo order): sum and width of its block of rho.</summary>
    [Id(5)] public IReadOnlyList<TeacherRho> RhoByTeacher { get; init; } = [];
    [Id(6)] public IReadOnlyList<EpochPoint> Curve { get; init; } = [];
    [Id(7)] public required double WallSeconds { get; init; }
    [Id(8)] public required double StepsPerSecond { get; init; }
    [Id(9)] public required int Steps { get; init; }
    [Id(10)] public required int Epochs { get; init; }
    [Id(11)] public required string Device { get; init; }
    /// <summary>e.g. "TorchSharp=0.107.0", "libtorch=2.10.0", "aftsweep=0.1.0".</summary>
    [Id(12)] public IReadOnlyDictionary<string, string> Versions { get; init; } = new Dictionary<string, string>();
    [Id(13)] public int TrainRows { get; init; }
    [Id(14)] public int EvalRows { get; init; }
    /// <summary>linear-probe only: the L2 choice and convergence of its logistic regression; null for every other method.</summary>
    [Id(15)] public LinearProbeResult? Probe { get; init; }
}

[GenerateSerializer, Immutable, Alias("aftsweep.TeacherRho.v1")]
public sealed record TeacherRho([property: Id(0)] string Teacher, [property: Id(1)] int Width, [property: Id(2)] double Sum)
{
    public double Mean => Width == 0 ? 0 : Sum / Width;
}

/// <summary>
/// One epoch of training: means over its steps, train accuracy over its rows, and for stage-1 (selection) trials the
/// holdout accuracy of the weights at the epoch's end (null where not recorded: stage-2 trials, which must not look
/// at test data while training, and records written before it was recorded).
/// </summary>
[GenerateSerializer, Immutable, Alias("aftsweep.EpochPoint.v1")]
public sealed record EpochPoint(
    [property: Id(0)] int Epoch,
    [property: Id(1)] double Loss,
    [property: Id(2)] double CrossEntropy,
    [property: Id(3)] double Regulariser,
    [property: Id(4)] double TrainAccuracy,
    [property: Id(5)] double? HoldoutAccuracy = null);
