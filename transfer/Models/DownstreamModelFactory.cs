using System.Globalization;
using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Text;
using AftSweep.Transfer.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models;

/// <summary>Builds the grid's downstream model by name, seeded, on a device, with its backbone loaded from <c>init</c>.</summary>
public static class DownstreamModelFactory
{
    public static readonly IReadOnlyList<string> Names = ["mlp", "cnn-small", "resnet18", "text-transformer"];

    /// <summary>
    /// The model <paramref name="spec"/> names for <paramref name="input"/>, initial weights drawn with
    /// <paramref name="seed"/> (on the CPU, so they do not depend on the device), then the backbone loaded from
    /// <see cref="DownstreamSpec.Init"/> when set, then moved to <paramref name="device"/>.
    /// </summary>
    public static DownstreamModel Create(DownstreamSpec spec, InputShape input, int numClasses, Device device, int seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(input);
        if (numClasses < 2) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "a classifier needs at least 2 classes");
        var model = SeededConstruction.Build(seed, () => Construct(spec, input, numClasses));
        try
        {
            if (spec.Init is not null) BackboneLoader.Load(model, spec.Init);
            model.to(device);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static DownstreamModel Construct(DownstreamSpec spec, InputShape input, int numClasses)
    {
        var options = new ModelOptions(spec);
        DownstreamModel model = spec.Model switch
        {
            "mlp" => new MlpModel(RequireFloat(spec, input).FlatSize, numClasses),
            "cnn-small" => new SmallCnnModel(RequireImage(spec, input).Channels, numClasses),
            "resnet18" => new ResNet18Model(RequireImage(spec, input).Channels, numClasses, options.Bool("smallImageStem", false)),
            "text-transformer" => new TextTransformerModel(
                RequireTokens(spec, input).VocabSize, numClasses, WordPieceTokenizer.MiniLm.PadId, options.Double("dropout", 0)),
            _ => throw new ArgumentException($"downstream.model '{spec.Model}' is not one of {string.Join(", ", Names)}"),
        };
        options.ThrowIfUnused(model.GetName());
        return model;
    }

    private static InputShape RequireImage(DownstreamSpec spec, InputShape input) =>
        input.Kind == InputKind.Image ? input
            : throw new ArgumentException($"downstream.model '{spec.Model}' needs image inputs, but the dataset gives {input}");

    private static InputShape RequireFloat(DownstreamSpec spec, InputShape input) =>
        input.Kind != InputKind.Tokens ? input
            : throw new ArgumentException($"downstream.model '{spec.Model}' needs image or vector inputs, but the dataset gives {input}");

    private static InputShape RequireTokens(DownstreamSpec spec, InputShape input) =>
        input.Kind == InputKind.Tokens ? input
            : throw new ArgumentException($"downstream.model '{spec.Model}' needs text inputs, but the dataset gives {input}");

    /// <summary>downstream.options, read once each; an option no model reads is an error rather than ignored.</summary>
    private sealed class ModelOptions(DownstreamSpec spec)
    {
        private readonly HashSet<string> _read = new(StringComparer.Ordinal);

        public bool Bool(string name, bool fallback)
        {
            _read.Add(name);
            if (!spec.Options.TryGetValue(name, out var text)) return fallback;
            return bool.TryParse(text, out var value) ? value
                : throw new ArgumentException($"downstream.options.{name} must be true or false, got '{text}'");
        }

        public double Double(string name, double fallback)
        {
            _read.Add(name);
            if (!spec.Options.TryGetValue(name, out var text)) return fallback;
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value
                : throw new ArgumentException($"downstream.options.{name} must be a number, got '{text}'");
        }

        public void ThrowIfUnused(string model)
        {
            var unused = spec.Options.Keys.Where(k => !_read.Contains(k)).ToList();
            if (unused.Count > 0)
                throw new ArgumentException($"downstream.options {string.Join(", ", unused)} not understood by model {model}");
        }
    }
}
