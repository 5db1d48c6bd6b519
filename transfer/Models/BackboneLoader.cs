using AftSweep.Transfer.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models;

/// <summary>
/// Loads a downstream model's backbone from an <c>init</c> weights file, leaving the head as initialised (methods.md:
/// "backbone loaded, head freshly initialised"). Every backbone parameter and buffer must be in the file with the
/// model's shape; head entries in the file are ignored; anything else in the file is an error, so a checkpoint for
/// another architecture cannot load partially and silently.
/// </summary>
public static class BackboneLoader
{
    // BatchNorm's step counter: not a weight, absent from some exporters' files.
    private const string OptionalSuffix = "num_batches_tracked";

    public static void Load(DownstreamModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        var stored = WeightsFile.Read(path);
        var state = model.state_dict();
        var unexpected = stored.Keys.Where(k => !state.ContainsKey(k) && !model.IsHeadEntry(k)).ToList();
        if (unexpected.Count > 0)
            throw new InvalidDataException(
                $"init file '{path}' does not fit model {model.GetName()}: it has {unexpected.Count} entr{(unexpected.Count == 1 ? "y" : "ies")} the model lacks ({string.Join(", ", unexpected.Take(5))}{(unexpected.Count > 5 ? ", ..." : "")})");

        using var noGrad = no_grad();
        foreach (var (name, target) in state)
        {
            if (model.IsHeadEntry(name)) continue;
            if (!stored.TryGetValue(name, out var source))
            {
                if (name.EndsWith(OptionalSuffix, StringComparison.Ordinal)) continue;
                throw new InvalidDataException(
                    $"init file '{path}' does not fit model {model.GetName()}: parameter '{name}' (shape {Shape(target.shape)}) is missing from the file");
            }
            if (!source.Shape.SequenceEqual(target.shape))
                throw new InvalidDataException(
                    $"init file '{path}' does not fit model {model.GetName()}: parameter '{name}' has shape {source.ShapeText} in the file but {Shape(target.shape)} in the model");
            using var scope = NewDisposeScope();
            target.copy_(source.ToTensor().to(target.dtype).to(target.device));
        }
    }

    private static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
