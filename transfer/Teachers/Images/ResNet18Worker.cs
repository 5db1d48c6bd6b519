using AftSweep.Transfer.Data;
using Microsoft.ML.OnnxRuntime;

namespace AftSweep.Transfer.Teachers.Images;

/// <summary>
/// One worker of the ResNet-18 teacher: resize to 224 (bilinear) with the package's preprocessing (RGB to BGR,
/// minus the training mean image) folded in (<see cref="ResNetMeanImage"/>; bit-identical to running that graph),
/// then ResNet-18 to its 512-d global pool. Tensors are bound to preallocated buffers, so a row costs no
/// allocations.
/// </summary>
internal sealed class ResNet18Worker : IImageWorker
{
    public const int Size = 224;
    public const int Dim = 512;
    private const string ModelInput = "Input247", ModelOutput = "Pooling395_Output_0";

    private readonly InferenceSession _model;
    private readonly ResNetMeanImage _mean;
    private readonly RunOptions _run = new();
    private readonly float[] _prepared = new float[3 * Size * Size], _pooled = new float[Dim];
    private readonly OrtValue _preparedValue, _pooledValue;
    private ImageResizer? _resizer;

    public ResNet18Worker(string spec, ResNetMeanImage mean, string modelPath, TeacherOptions options)
    {
        _mean = mean;
        _model = Onnx.OnnxSessions.Open(spec, modelPath, intraOpThreads: 1, options);
        _preparedValue = OrtValue.CreateTensorValueFromMemory(_prepared, [1, 3, Size, Size]);
        _pooledValue = OrtValue.CreateTensorValueFromMemory(_pooled, [1, Dim, 1, 1]);
    }

    public void Extract(ImageBatch images, int index, Span<float> features)
    {
        if (_resizer is null || _resizer.SrcHeight != images.Height) _resizer = new ImageResizer(images.Height, images.Width, Size, Size);
        _resizer.ToPlanarBgrMinus(images.Pixels.AsSpan(index * images.ImageBytes, images.ImageBytes), _prepared, _mean.Bgr.Span);
        _model.Run(_run, [ModelInput], [_preparedValue], [ModelOutput], [_pooledValue]);
        _pooled.CopyTo(features);
    }

    public void Dispose()
    {
        _preparedValue.Dispose();
        _pooledValue.Dispose();
        _run.Dispose();
        _model.Dispose();
    }
}
