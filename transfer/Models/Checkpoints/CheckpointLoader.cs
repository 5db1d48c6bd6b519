using System.Globalization;
using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Checkpoints;

/// <summary>
/// Fits a checkpoint to a student through the architecture's <see cref="CheckpointNameTable"/>: every parameter and
/// buffer the model has must come from the checkpoint with its shape and a compatible dtype (or be adaptable by the
/// table's rule), the head stays fresh unless the spec keeps it, a layer subset renumbers layers, and anything in the
/// checkpoint the student has no use for is an error unless the table names it as ignorable. Every problem is
/// collected before anything is copied, so a checkpoint either loads whole or not at all.
/// </summary>
public static class CheckpointLoader
{
    // BatchNorm's step counter: not a weight, absent from many exporters' files.
    private const string OptionalSuffix = "num_batches_tracked";

    /// <summary>One model entry and the checkpoint tensor it is read from.</summary>
    private sealed record Assignment(string Entry, CheckpointTensor Source, bool Adapted);

    /// <summary>Checks the checkpoint against the model without reading tensor data; throws
    /// <see cref="CheckpointException"/> listing every problem.</summary>
    public static void Check(DownstreamModel model, Checkpoint checkpoint, CheckpointNameTable table, IReadOnlyList<int>? layers, bool keepHead) =>
        Plan(model, checkpoint, table, layers, keepHead);

    /// <summary>Copies the checkpoint into <paramref name="model"/> (on any device) after the same checks.</summary>
    public static void Load(DownstreamModel model, Checkpoint checkpoint, CheckpointNameTable table, IReadOnlyList<int>? layers, bool keepHead)
    {
        var plan = Plan(model, checkpoint, table, layers, keepHead);
        var state = model.state_dict();
        using var noGrad = no_grad();
        foreach (var a in plan)
        {
            using var scope = NewDisposeScope();
            var target = state[a.Entry];
            var source = a.Source.ToTensor();
            if (source.dtype != target.dtype && target.is_floating_point()) source = source.to(ScalarType.Float32);
            if (a.Adapted) source = table.Adapt!(a.Entry, source, target.shape)!;
            target.copy_(source.to(target.dtype).to(target.device));
        }
    }

    private static List<Assignment> Plan(DownstreamModel model, Checkpoint checkpoint, CheckpointNameTable table, IReadOnlyList<int>? layers, bool keepHead)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(table);
        var problems = new List<string>();
        var stored = Normalise(checkpoint, table, problems);
        var layerPattern = table.LayerFormat is null ? null : LayerRegex(table.LayerFormat);
        var available = layerPattern is null ? 0 : CountLayers(stored.Keys, layerPattern);
        var state = model.state_dict();
        var modelLayers = layerPattern is null ? 0 : CountLayers(state.Keys, layerPattern);
        var chosen = layers ?? (layerPattern is null ? [] : Enumerable.Range(0, modelLayers).ToList());

        if (layerPattern is not null && stored.Count > 0)
        {
            if (layers is not null && layers.Count != modelLayers)
                problems.Add($"layers lists {layers.Count} layers but the student has {modelLayers}");
            foreach (var l in chosen.Where(l => l >= available))
                problems.Add($"layers: layer {l} is out of range: the checkpoint has {available} layers (0-{available - 1})");
            if (layers is null && available != modelLayers && available > 0)
                problems.Add($"the config gives the student {modelLayers} layers but the checkpoint has {available}: fix the config, or set layers to pick {modelLayers} of them");
        }

        var consumed = new HashSet<string>(StringComparer.Ordinal);
        var plan = new List<Assignment>();
        var optionalFound = new List<string>();
        var optionalMissing = new List<string>();
        foreach (var (entry, target) in state)
        {
            var isHead = model.IsHeadEntry(entry);
            if (isHead && !keepHead) continue;
            var name = layerPattern is null ? entry : Renumber(entry, layerPattern, table.LayerFormat!, chosen);
            var candidates = new List<string> { name };
            if (table.Aliases.TryGetValue(entry, out var aliases)) candidates.AddRange(aliases);
            var key = candidates.FirstOrDefault(stored.ContainsKey);
            var found = key is null ? null : stored[key];
            if (found is null)
            {
                if (entry.EndsWith(OptionalSuffix, StringComparison.Ordinal)) continue;
                if (table.IsOptional(entry))
                {
                    optionalMissing.Add(entry);
                    continue;
                }
                problems.Add(isHead
                    ? $"newHead is false, but the checkpoint has no head tensor '{name}' (the model needs {CheckpointTensor.ShapeOf(target.shape)})"
                    : $"missing tensor '{name}' (the model needs {CheckpointTensor.ShapeOf(target.shape)})");
                continue;
            }
            if (table.IsOptional(entry)) optionalFound.Add(entry);
            consumed.Add(key!);
            if (target.is_floating_point() != found.IsFloatingPoint)
            {
                problems.Add($"tensor '{found.Name}' has dtype {SafetensorsFile.DTypeName(found.DType)}, but the model's '{entry}' is {SafetensorsFile.DTypeName(target.dtype)}");
                continue;
            }
            if (found.Shape.SequenceEqual(target.shape))
            {
                plan.Add(new Assignment(entry, found, Adapted: false));
            }
            else if (table.CanAdapt?.Invoke(entry, found.Shape, target.shape) == true && table.Adapt is not null)
            {
                plan.Add(new Assignment(entry, found, Adapted: true));
            }
            else
            {
                var hint = isHead ? $" (the checkpoint's head has {found.Shape[0]} classes and this dataset {target.shape[0]}: set newHead to true)" : "";
                problems.Add($"tensor '{found.Name}' is {found.ShapeText} in the file but the model needs {CheckpointTensor.ShapeOf(target.shape)} for '{entry}'{hint}");
            }
        }
        if (optionalFound.Count > 0 && optionalMissing.Count > 0)
            problems.Add($"the checkpoint has {string.Join(", ", optionalFound.Take(3))} but lacks {string.Join(", ", optionalMissing.Take(3))}: it holds part of the student's own layers");

        foreach (var (name, tensor) in stored)
        {
            if (consumed.Contains(name) || table.IsIgnored(name) || model.IsHeadEntry(name)) continue;
            if (name.EndsWith(OptionalSuffix, StringComparison.Ordinal)) continue;
            if (layerPattern is not null && LayerOf(name, layerPattern) is { } l && !chosen.Contains(l)) continue; // a layer the subset leaves out
            if (table.Aliases.Values.Any(a => a.Contains(name))) continue; // an alias of an entry read from its own name
            problems.Add($"unexpected tensor '{tensor.Name}' {tensor.ShapeText}: model {model.GetName()} has no such parameter");
        }

        if (problems.Count > 0) throw new CheckpointException(checkpoint.Source, problems);
        return plan;
    }

    /// <summary>Checkpoint names with the family's wrapper prefix removed; two names that collide are a problem.</summary>
    private static Dictionary<string, CheckpointTensor> Normalise(Checkpoint checkpoint, CheckpointNameTable table, List<string> problems)
    {
        var result = new Dictionary<string, CheckpointTensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in checkpoint.Tensors)
        {
            var key = table.Prefixes.FirstOrDefault(p => name.StartsWith(p, StringComparison.Ordinal)) is { } prefix ? name[prefix.Length..] : name;
            if (!result.TryAdd(key, tensor))
                problems.Add($"tensors '{result[key].Name}' and '{name}' both give '{key}'");
        }
        return result;
    }

    private static Regex LayerRegex(string format) =>
        new("^" + Regex.Escape(format).Replace(@"\{0}", "([0-9]+)", StringComparison.Ordinal), RegexOptions.CultureInvariant);

    private static int? LayerOf(string name, Regex pattern)
    {
        var m = pattern.Match(name);
        return m.Success ? int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture) : null;
    }

    private static int CountLayers(IEnumerable<string> names, Regex pattern)
    {
        var max = -1;
        foreach (var name in names)
            if (LayerOf(name, pattern) is { } l) max = Math.Max(max, l);
        return max + 1;
    }

    /// <summary>The checkpoint name of a model entry: the student's layer j is the checkpoint's layer chosen[j].</summary>
    private static string Renumber(string entry, Regex pattern, string format, IReadOnlyList<int> chosen)
    {
        var m = pattern.Match(entry);
        if (!m.Success) return entry;
        var j = int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
        if (j >= chosen.Count) return entry;
        return string.Format(CultureInfo.InvariantCulture, format, chosen[j]) + entry[m.Length..];
    }
}
