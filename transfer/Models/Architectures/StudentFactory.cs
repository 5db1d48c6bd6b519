using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Models.Checkpoints;
using AftSweep.Transfer.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Architectures;

/// <summary>
/// Builds the grid's student: its checkpoint source opened, its architecture's blueprint resolved, the module built
/// under the trial's seed (on the CPU, so initial weights do not depend on the device), the checkpoint's weights
/// loaded through the architecture's name table (head fresh unless kept), then moved to the device.
/// </summary>
public static class StudentFactory
{
    /// <param name="loadWeights">False builds the same architecture, config and input pipeline with random weights
    /// (the <c>scratch</c> baseline).</param>
    public static Student Create(DownstreamSpec spec, InputShape data, int numClasses, Device device, int seed, bool loadWeights = true)
    {
        var (blueprint, checkpoint) = Prepare(spec, data, numClasses);
        var model = SeededConstruction.Build(seed, blueprint.Construct);
        try
        {
            if (loadWeights && checkpoint is { Tensors.Count: > 0 })
                CheckpointLoader.Load(model, checkpoint, blueprint.Names, blueprint.Layers, spec.KeepsCheckpointHead);
            model.to(device);
            return new Student(model, blueprint.Input, Describe(blueprint, checkpoint, loadWeights));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Everything <see cref="Create"/> checks, without reading weights: the spec, the config, the vocabulary, and
    /// every checkpoint tensor's name, shape and dtype against the module. Returns the student's one-line description.
    /// </summary>
    /// <exception cref="CheckpointException">The checkpoint does not fit, naming each tensor.</exception>
    /// <exception cref="ArgumentException">The spec does not suit the architecture or the data.</exception>
    public static string Check(DownstreamSpec spec, InputShape data, int numClasses)
    {
        var (blueprint, checkpoint) = Prepare(spec, data, numClasses);
        using var model = SeededConstruction.Build(0, blueprint.Construct);
        if (checkpoint is { Tensors.Count: > 0 })
            CheckpointLoader.Check(model, checkpoint, blueprint.Names, blueprint.Layers, spec.KeepsCheckpointHead);
        return Describe(blueprint, checkpoint, loadWeights: true);
    }

    private static (StudentBlueprint Blueprint, Checkpoint? Checkpoint) Prepare(DownstreamSpec spec, InputShape data, int numClasses)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(data);
        if (numClasses < 2) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "a classifier needs at least 2 classes");
        var architecture = StudentArchitectures.Get(spec.Model);
        var checkpoint = CheckpointReader.Open(spec);
        var options = new ModelOptions(spec);
        var blueprint = architecture.Blueprint(new StudentRequest(spec, checkpoint, data, numClasses, options));
        options.ThrowIfUnused(spec.Model);
        return (blueprint, checkpoint);
    }

    private static string Describe(StudentBlueprint blueprint, Checkpoint? checkpoint, bool loadWeights) =>
        checkpoint is { Tensors.Count: > 0 } && loadWeights
            ? $"{blueprint.Summary}, initialised from {checkpoint.Source}"
            : $"{blueprint.Summary}, random initialisation";
}
