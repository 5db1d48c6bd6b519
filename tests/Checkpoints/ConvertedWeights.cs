using AftSweep.Transfer.Models;
using AftSweep.Transfer.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Tests.Checkpoints;

/// <summary>
/// Copies a name -> tensor map into a model's parameters and buffers of the same names, with shape checks: every
/// backbone entry must be filled (head entries and BatchNorm's step counter excepted) and every tensor must land
/// somewhere unless its name starts with one of <c>ignoredPrefixes</c>. A test stand-in for the checkpoint loader.
/// </summary>
internal static class ConvertedWeights
{
    public static void LoadInto(DownstreamModel model, IReadOnlyDictionary<string, StoredTensor> tensors, params string[] ignoredPrefixes)
    {
        var state = model.state_dict();
        var stray = tensors.Keys.Where(k => !state.ContainsKey(k) && !ignoredPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))).ToArray();
        Assert.True(stray.Length == 0, $"tensors the model lacks: {string.Join(", ", stray)}");
        using var noGrad = no_grad();
        foreach (var (name, target) in state)
        {
            if (model.IsHeadEntry(name) || name.EndsWith("num_batches_tracked", StringComparison.Ordinal)) continue;
            Assert.True(tensors.TryGetValue(name, out var source), $"'{name}' is not in the conversion");
            Assert.True(source!.Shape.SequenceEqual(target.shape), $"'{name}': {source.ShapeText} vs model [{string.Join(", ", target.shape)}]");
            using var value = source.ToTensor();
            target.copy_(value);
        }
    }
}
