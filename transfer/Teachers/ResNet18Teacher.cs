using AftSweep.Transfer.Bundled;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Numerics;
using AftSweep.Transfer.Teachers.Images;

namespace AftSweep.Transfer.Teachers;

/// <summary>
/// <c>onnx:resnet18-imagenet</c>: ImageNet ResNet-18 from Microsoft.ML.DnnImageFeaturizer.ResNet18, 512-d global
/// average pool. Its graph takes one image at a time, so rows run on one single-threaded session per core.
/// </summary>
public sealed class ResNet18Teacher : ITeacher
{
    public const string SpecString = "onnx:resnet18-imagenet";
    private readonly ParallelImageRunner _runner;
    private readonly Lazy<string> _identity;

    public ResNet18Teacher(TeacherOptions options)
    {
        var prep = BundledModels.RequireFile(BundledModels.ResNet18Preprocess);
        var model = BundledModels.RequireFile(BundledModels.ResNet18Model);
        // Read once and shared (read-only) by every worker.
        var mean = new Lazy<ResNetMeanImage>(() => ResNetMeanImage.Load(SpecString, prep, ResNet18Worker.Size));
        _runner = new ParallelImageRunner(options.ImageWorkers, () => new ResNet18Worker(SpecString, mean.Value, model, options));
        _identity = new(() => ModelHash.Identity(SpecString, ModelHash.OfFile(prep), ModelHash.OfFile(model),
            "resize=bilinear-halfpixel-224;pixels=rgb-0-255;prep=ResNetPreprocess.onnx;output=Pooling395_Output_0;pooling=flatten"));
    }

    public string Spec => SpecString;
    public int Dim => ResNet18Worker.Dim;
    public string Identity => _identity.Value;

    public Task<FeatureMatrix> ExtractAsync(LoadedDataset dataset, SplitName split, int startRow, int rowCount,
        IProgress<int>? rowsDone, CancellationToken cancellationToken)
    {
        var rows = TeacherInputs.Range(dataset, split, startRow, rowCount);
        var images = TeacherInputs.Images(Spec, dataset, rows);
        return _runner.RunAsync(images, startRow, rowCount, Dim, rowsDone, cancellationToken);
    }

    public void Dispose() => _runner.Dispose();
}
