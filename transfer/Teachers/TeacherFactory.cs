using System.Globalization;

namespace AftSweep.Transfer.Teachers;

/// <summary>
/// Makes teachers from grid.md's spec strings: <c>onnx:resnet18-imagenet</c>, <c>onnx:minilm</c>,
/// <c>onnx:arctic-xs</c>, <c>onnx-file:PATH?input=image|text&amp;output=NAME</c>, <c>features:DIR</c>,
/// <c>noise:D</c> (optionally <c>?seed=S</c>, default 0). Relative paths resolve against the grid's folder.
/// Bad specs throw <see cref="TeacherException"/> naming the spec and what was expected.
/// </summary>
public sealed class TeacherFactory(TeacherOptions? options = null) : ITeacherFactory
{
    private readonly TeacherOptions _options = options ?? new TeacherOptions();

    public ITeacher Create(string spec, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(spec);
        baseDirectory = Path.GetFullPath(string.IsNullOrEmpty(baseDirectory) ? "." : baseDirectory);
        var colon = spec.IndexOf(':');
        var kind = colon < 0 ? spec : spec[..colon];
        var body = colon < 0 ? "" : spec[(colon + 1)..];
        switch (kind)
        {
            case "onnx":
                return body switch
                {
                    "resnet18-imagenet" => new ResNet18Teacher(_options),
                    "minilm" => SentenceEmbeddingTeacher.MiniLm(_options),
                    "arctic-xs" => SentenceEmbeddingTeacher.ArcticXs(_options),
                    _ => throw new TeacherException(spec,
                        "unknown bundled model: expected onnx:resnet18-imagenet, onnx:minilm or onnx:arctic-xs (or onnx-file:PATH for your own)"),
                };
            case "onnx-file":
                return OnnxFileTeacher.Create(spec, body, baseDirectory, _options);
            case "features":
                if (body.Length == 0) throw new TeacherException(spec, "expected features:DIR");
                return new PrecomputedFeaturesTeacher(spec, Path.GetFullPath(body, baseDirectory));
            case "noise":
                return CreateNoise(spec, body);
            default:
                throw new TeacherException(spec,
                    "unknown teacher kind: expected onnx:NAME, onnx-file:PATH?input=image|text&output=NAME, features:DIR or noise:D");
        }
    }

    private static NoiseTeacher CreateNoise(string spec, string body)
    {
        var q = body.IndexOf('?');
        var width = q < 0 ? body : body[..q];
        long seed = 0;
        if (q >= 0)
        {
            var query = body[(q + 1)..];
            if (!query.StartsWith("seed=", StringComparison.Ordinal) ||
                !long.TryParse(query["seed=".Length..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seed))
                throw new TeacherException(spec, "expected noise:D or noise:D?seed=S with integer S");
        }
        if (!int.TryParse(width, NumberStyles.None, CultureInfo.InvariantCulture, out var dim) || dim <= 0)
            throw new TeacherException(spec, $"width '{width}' must be a positive integer (noise:D)");
        return new NoiseTeacher(spec, dim, seed);
    }
}
