using AftSweep.Contracts.Methods;
using AftSweep.Transfer.Artifacts;
using AftSweep.Transfer.Numerics;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Regularisers;

/// <summary>What <see cref="RegulariserFactory"/> needs to build a method's regulariser for one trial.</summary>
public sealed class RegulariserSetup
{
    public required MethodId Method { get; init; }
    /// <summary>d_s: width of the downstream model's features.</summary>
    public required int StudentDim { get; init; }
    /// <summary>Each teacher's training features (rows = the trial's training rows), in combo order.</summary>
    public required IReadOnlyList<FeatureMatrix> TeacherTrainFeatures { get; init; }
    /// <summary>Teacher names in combo order (for per-teacher rho reporting and cache keys).</summary>
    public required IReadOnlyList<string> TeacherKeys { get; init; }
    /// <summary>Class ids of the training rows.</summary>
    public required int[] TrainLabels { get; init; }
    public required int NumClasses { get; init; }
    public required Device Device { get; init; }
    public required int Seed { get; init; }
    /// <summary>aft-bilevel: s-only steps per joint step.</summary>
    public int InnerSteps { get; init; } = 5;
    /// <summary>btuning: the downstream model's features of the training rows at initialisation (N, d_s).</summary>
    public Func<FeatureMatrix>? InitialStudentFeatures { get; init; }
    /// <summary>ft: where the paraphraser trained once per teacher set is cached (null = no cache).</summary>
    public IArtifactCache? Artifacts { get; init; }
}
