using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace AftSweep.Contracts.Grid;

public enum TeacherKind { Onnx = 1, OnnxFile = 2, Features = 3, Noise = 4 }

public enum TeacherInput { Image = 1, Text = 2 }

/// <summary>
/// A teacher spec string of grid.json, parsed: <c>onnx:resnet18-imagenet|minilm|arctic-xs</c>,
/// <c>onnx-file:PATH?input=image|text&amp;output=NAME[&amp;maxLength=N]</c>, <c>features:DIR</c> or
/// <c>noise:D[?seed=S]</c>. The one grammar for teacher specs: the grid reader, trial ids, feature-set ids and the
/// teacher factory all take this parse. <see cref="ToString"/> gives the canonical string (absolute path, default
/// seed left out) that <see cref="TeacherRef.Spec"/> holds; parsing it again gives an equal spec.
/// </summary>
public sealed record TeacherSpec
{
    public const int MaxNoiseDim = 1_000_000;

    /// <summary>Models that ship with the tool, and the data they read.</summary>
    public static readonly IReadOnlyDictionary<string, DatasetKind> BuiltInModels = new Dictionary<string, DatasetKind>(StringComparer.Ordinal)
    {
        ["resnet18-imagenet"] = DatasetKind.Image,
        ["minilm"] = DatasetKind.Text,
        ["arctic-xs"] = DatasetKind.Text,
    };

    public required TeacherKind Kind { get; init; }
    /// <summary>onnx: the built-in model name.</summary>
    public string? Model { get; init; }
    /// <summary>onnx-file: the .onnx file; features: the folder with train.npy and test.npy. Absolute.</summary>
    public string? Path { get; init; }
    /// <summary>onnx-file: what the model reads.</summary>
    public TeacherInput? Input { get; init; }
    /// <summary>onnx-file: the output tensor to take features from.</summary>
    public string? Output { get; init; }
    /// <summary>onnx-file with text input: the longest token sequence fed to the model (null: the teacher's default).</summary>
    public int? MaxLength { get; init; }
    /// <summary>noise: the feature width.</summary>
    public int? Dim { get; init; }
    /// <summary>noise: the generator's seed (0 unless <c>?seed=S</c> says otherwise).</summary>
    public long Seed { get; init; }

    /// <summary>The dataset kind this teacher can read, or null for any (features, noise).</summary>
    public DatasetKind? RequiredKind => Kind switch
    {
        TeacherKind.Onnx => BuiltInModels[Model!],
        TeacherKind.OnnxFile => Input == TeacherInput.Image ? DatasetKind.Image : DatasetKind.Text,
        _ => null,
    };

    /// <summary>The files whose bytes define this teacher's features (empty for built-in and noise teachers).</summary>
    public IReadOnlyList<string> ContentFiles => Kind switch
    {
        TeacherKind.OnnxFile => [Path!],
        TeacherKind.Features => [System.IO.Path.Combine(Path!, "train.npy"), System.IO.Path.Combine(Path!, "test.npy")],
        _ => [],
    };

    public override string ToString() => Kind switch
    {
        TeacherKind.Onnx => $"onnx:{Model}",
        TeacherKind.OnnxFile => $"onnx-file:{Path}{OnnxFileQuery}",
        TeacherKind.Features => $"features:{Path}",
        _ => Seed == 0 ? $"noise:{Invariant(Dim!.Value)}" : $"noise:{Invariant(Dim!.Value)}?seed={Invariant(Seed)}",
    };

    /// <summary>The spec without its path (what a trial id and a feature-set id hash, next to the files' fingerprint).</summary>
    public string PortableForm => Kind switch
    {
        TeacherKind.OnnxFile => $"onnx-file:{OnnxFileQuery}",
        TeacherKind.Features => "features:",
        _ => ToString(),
    };

    private string OnnxFileQuery =>
        $"?input={(Input == TeacherInput.Image ? "image" : "text")}&output={EscapeQueryValue(Output!)}"
        + (MaxLength is { } max ? $"&maxLength={Invariant(max)}" : "");

    /// <summary>Parses a spec, or throws <see cref="FormatException"/> with the parser's message.</summary>
    public static TeacherSpec Parse(string spec, string baseDirectory) =>
        TryParse(spec, baseDirectory, out var result, out var error) ? result : throw new FormatException(error);

    /// <summary>Parses a spec; relative paths resolve against <paramref name="baseDirectory"/>. Does not touch the disk.</summary>
    public static bool TryParse(string spec, string baseDirectory, [NotNullWhen(true)] out TeacherSpec? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        var prefix = colon < 0 ? spec : spec[..colon];
        var rest = colon < 0 ? "" : spec[(colon + 1)..];
        switch (prefix)
        {
            case "onnx":
                if (!BuiltInModels.ContainsKey(rest))
                {
                    error = $"unknown built-in model '{rest}' (expected one of {string.Join(", ", BuiltInModels.Keys)}){Parsing.Suggest.DidYouMean(rest, BuiltInModels.Keys)}";
                    return false;
                }
                result = new TeacherSpec { Kind = TeacherKind.Onnx, Model = rest };
                break;
            case "onnx-file":
                return TryParseOnnxFile(rest, baseDirectory, out result, out error);
            case "features":
                if (rest.Length == 0)
                {
                    error = "features: needs a folder (features:DIR, with DIR/train.npy and DIR/test.npy)";
                    return false;
                }
                result = new TeacherSpec { Kind = TeacherKind.Features, Path = Resolve(baseDirectory, rest) };
                break;
            case "noise":
                return TryParseNoise(spec, rest, out result, out error);
            default:
                error = $"unknown teacher spec '{spec}' (expected onnx:MODEL, onnx-file:PATH?input=image|text&output=NAME, features:DIR or noise:D)";
                return false;
        }
        error = null;
        return true;
    }

    private static bool TryParseNoise(string spec, string rest, [NotNullWhen(true)] out TeacherSpec? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        var width = q < 0 ? rest : rest[..q];
        if (!int.TryParse(width, NumberStyles.None, CultureInfo.InvariantCulture, out var dim) || dim <= 0 || dim > MaxNoiseDim)
        {
            error = $"noise teacher must be noise:D with D an integer from 1 to {MaxNoiseDim} (got '{spec}')";
            return false;
        }
        long seed = 0;
        if (q >= 0)
        {
            var query = rest[(q + 1)..];
            if (!query.StartsWith("seed=", StringComparison.Ordinal)
                || !long.TryParse(query.AsSpan("seed=".Length), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seed))
            {
                error = $"noise teacher must be noise:D or noise:D?seed=S with S an integer (got '{spec}')";
                return false;
            }
        }
        result = new TeacherSpec { Kind = TeacherKind.Noise, Dim = dim, Seed = seed };
        error = null;
        return true;
    }

    private static bool TryParseOnnxFile(string rest, string baseDirectory, [NotNullWhen(true)] out TeacherSpec? result, [NotNullWhen(false)] out string? error)
    {
        result = null;
        const string shape = "onnx-file:PATH?input=image|text&output=NAME";
        var q = rest.LastIndexOf('?');
        if (q <= 0)
        {
            error = $"onnx-file teacher needs a path and a query: {shape}";
            return false;
        }
        TeacherInput? input = null;
        string? output = null;
        int? maxLength = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in rest[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (!seen.Add(key))
            {
                error = $"onnx-file query key '{key}' is given twice";
                return false;
            }
            switch (key)
            {
                case "input" when value is "image" or "text":
                    input = value == "image" ? TeacherInput.Image : TeacherInput.Text;
                    break;
                case "input":
                    error = $"onnx-file input must be 'image' or 'text' (got '{value}')";
                    return false;
                case "output" when value.Length > 0:
                    output = value;
                    break;
                case "output":
                    error = "onnx-file output must name the model's output tensor";
                    return false;
                case "maxLength" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max >= 2:
                    maxLength = max;
                    break;
                case "maxLength":
                    error = $"onnx-file maxLength '{value}' must be an integer of at least 2";
                    return false;
                default:
                    error = $"onnx-file query has an unknown key '{key}' (expected input, output and optionally maxLength){Parsing.Suggest.DidYouMean(key, ["input", "output", "maxLength"])}";
                    return false;
            }
        }
        if (input is null || output is null)
        {
            error = $"onnx-file teacher needs both input and output: {shape}";
            return false;
        }
        if (maxLength is not null && input != TeacherInput.Text)
        {
            error = "onnx-file maxLength applies to text models only (input=text)";
            return false;
        }
        result = new TeacherSpec { Kind = TeacherKind.OnnxFile, Path = Resolve(baseDirectory, rest[..q]), Input = input, Output = output, MaxLength = maxLength };
        error = null;
        return true;
    }

    private static string Resolve(string baseDirectory, string path) => System.IO.Path.GetFullPath(path, baseDirectory);

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Escapes only what would end the value early ('&amp;') or be read as an escape ('%'), so plain names
    /// (and the canonical strings, hence ids, of existing grids) print as they are.</summary>
    private static string EscapeQueryValue(string value) => value.Replace("%", "%25", StringComparison.Ordinal).Replace("&", "%26", StringComparison.Ordinal);
}
