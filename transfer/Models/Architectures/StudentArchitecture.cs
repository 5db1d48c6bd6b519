using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Models.Checkpoints;

namespace AftSweep.Transfer.Models.Architectures;

/// <summary>What an architecture needs to build a student for a grid: the spec, what its checkpoint source holds
/// (weights, config, vocabulary, preprocessing; null when the spec names none), the data and the class count.</summary>
public sealed record StudentRequest(DownstreamSpec Spec, Checkpoint? Checkpoint, InputShape Data, int NumClasses, ModelOptions Options)
{
    /// <summary>The resolved config: the checkpoint's config file or offline config overlaid by the grid's.</summary>
    public ModelConfig Config { get; } = new(Checkpoint?.ConfigJson, Checkpoint?.Source ?? "downstream.config");
}

/// <summary>How to build one student: the module (constructed under the trial's seed), its input pipeline, and how
/// the checkpoint's names map onto it.</summary>
public sealed record StudentBlueprint
{
    public required Func<DownstreamModel> Construct { get; init; }
    public required StudentInput Input { get; init; }
    public CheckpointNameTable Names { get; init; } = new();
    /// <summary>The checkpoint layers the student keeps, in order (null: all, or no layers).</summary>
    public IReadOnlyList<int>? Layers { get; init; }
    /// <summary>One line naming the architecture's resolved config.</summary>
    public required string Summary { get; init; }
}

/// <summary>One downstream architecture: turns a request into a blueprint. One subclass per
/// <see cref="DownstreamModels"/> entry, registered in <see cref="StudentArchitectures"/>.</summary>
public abstract class StudentArchitecture(string name)
{
    public DownstreamModelInfo Info { get; } = DownstreamModels.Get(name);
    public string Name => Info.Name;

    /// <exception cref="ArgumentException">The spec or data does not suit the architecture.</exception>
    /// <exception cref="CheckpointException">The checkpoint's config or vocabulary is unusable.</exception>
    public abstract StudentBlueprint Blueprint(StudentRequest request);

    protected InputShape Require(StudentRequest request, params InputKind[] kinds) =>
        kinds.Contains(request.Data.Kind) ? request.Data
            : throw new ArgumentException($"downstream.model '{Name}' needs {string.Join(" or ", kinds.Select(k => k.ToString().ToLowerInvariant()))} inputs, but the dataset gives {request.Data}");

    /// <summary>For architectures with no weights to take from a checkpoint's family.</summary>
    protected static void ForbidForeignConfig(StudentRequest request, string name)
    {
        if (request.Checkpoint?.ConfigJson is not null && request.Spec.Init is null)
            throw new ArgumentException($"downstream.config: model '{name}' has no config keys");
    }
}
