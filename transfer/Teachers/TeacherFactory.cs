using AftSweep.Contracts.Grid;

namespace AftSweep.Transfer.Teachers;

/// <summary>
/// Makes teachers from parsed specs (<see cref="TeacherSpec"/>, grid.md): <c>onnx:resnet18-imagenet</c>,
/// <c>onnx:minilm</c>, <c>onnx:arctic-xs</c>, <c>onnx-file:PATH?input=image|text&amp;output=NAME[&amp;maxLength=N]</c>,
/// <c>features:DIR</c>, <c>noise:D[?seed=S]</c>. Specs as strings go through
/// <see cref="TeacherFactoryExtensions.Create(ITeacherFactory, string, string)"/>, which parses them first.
/// Files that are missing or unusable throw <see cref="TeacherException"/> naming the spec and the problem.
/// </summary>
public sealed class TeacherFactory(TeacherOptions? options = null) : ITeacherFactory
{
    private readonly TeacherOptions _options = options ?? new TeacherOptions();

    public ITeacher Create(TeacherSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Kind switch
        {
            TeacherKind.Onnx => spec.Model switch
            {
                "resnet18-imagenet" => new ResNet18Teacher(_options),
                "minilm" => SentenceEmbeddingTeacher.MiniLm(_options),
                "arctic-xs" => SentenceEmbeddingTeacher.ArcticXs(_options),
                _ => throw new TeacherException(spec.ToString(), $"no teacher is bundled for the built-in model '{spec.Model}'"),
            },
            TeacherKind.OnnxFile => OnnxFileTeacher.Create(spec, _options),
            TeacherKind.Features => new PrecomputedFeaturesTeacher(spec.ToString(), spec.Path!),
            TeacherKind.Noise => new NoiseTeacher(spec.ToString(), spec.Dim!.Value, spec.Seed),
            _ => throw new TeacherException(spec.ToString(), $"unknown teacher kind {spec.Kind}"),
        };
    }
}
