using System.Globalization;
using AftSweep.Contracts.Grid;

namespace AftSweep.Transfer.Models.Architectures;

/// <summary>downstream.options, read once each; an option the architecture does not read is an error rather than
/// silently ignored.</summary>
public sealed class ModelOptions(DownstreamSpec spec)
{
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public bool Bool(string name, bool fallback)
    {
        _read.Add(name);
        if (!spec.Options.TryGetValue(name, out var text)) return fallback;
        return bool.TryParse(text, out var value) ? value
            : throw new ArgumentException($"downstream.options.{name} must be true or false, got '{text}'");
    }

    public double Double(string name, double fallback, double min = double.MinValue, double max = double.MaxValue)
    {
        _read.Add(name);
        if (!spec.Options.TryGetValue(name, out var text)) return fallback;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? value
            : throw new ArgumentException($"downstream.options.{name} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, got '{text}'");
    }

    public int Int(string name, int fallback, int min, int max)
    {
        _read.Add(name);
        if (!spec.Options.TryGetValue(name, out var text)) return fallback;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max ? value
            : throw new ArgumentException($"downstream.options.{name} must be an integer from {min} to {max}, got '{text}'");
    }

    public void ThrowIfUnused(string model)
    {
        var unused = spec.Options.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unused.Count > 0)
            throw new ArgumentException($"downstream.options {string.Join(", ", unused)} not understood by model {model}");
    }
}
