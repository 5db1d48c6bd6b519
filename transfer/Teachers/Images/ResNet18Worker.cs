using AftSweep.Transfer.Data;
using Microsoft.ML.OnnxRuntime;

namespace AftSweep.Transfer.Teachers.Images;

/// <summary>
/// One worker of the ResNet-18 teacher: resize to 224 (bilinear) into RGB planes 0..255, run the package's
/// preprocessing graph (RGB to BGR, minus the training mean image), then ResNet-18 to its 512-d global pool.
/// Tensors are bound to preallocated buffers, so a row costs no allocations.
/// </summary>
internal sealed class ResNet18Worker : IImageWorker
{
    public const int Size = 224;
    public const int Dim = 512;
    private const string PrepInput = "OriginalInput", PrepOutput = "PreprocessedInput";
    private const string ModelInput = "Input247", ModelOutput = "Pooling395_Output_0";

    private readonly InferenceSession _prep, _model;
    private readonly RunOptions _run = new();
    private readonly float[] _raw = new float[3 * Size * Size], _prepared = new float[3 * Size * Size], _pooled = new float[Dim];
    private readonly OrtValue _rawValue, _preparedValue, _pooledValue;
    private ImageResizer? _resizer;

    public ResNet18Worker(string spec, string prepPath, string modelPath)
    {
        _prep = Onnx.OnnxSessions.Open(spec, prepPath, intraOpThreads: 1);
        _model = Onnx.OnnxSessions.Open(spec, modelPath, intraOpThreads: 1);
        long[] shape = [1, 3, Size, Size];
        _rawValue = OrtValue.CreateTensorValueFromMemory(_raw, shape);
        _preparedValue = OrtValue.CreateTensorValueFromMemory(_prepared, shape);
        _pooledValue = OrtValue.CreateTensorValueFromMemory(_pooled, [1, Dim, 1, 1]);
    }

    public void Extract(ImageBatch images, int index, Span<float> features)
    {
        if (_resizer is null || _resizer.SrcHeight != images.Height) _resizer = new ImageResizer(images.Height, images.Width, Size, Size);
        _resizer.ToPlanar(images.Pixels.AsSpan(index * images.ImageBytes, images.ImageBytes), _raw, PixelScaling.Raw255);
        _prep.Run(_run, [PrepInput], [_rawValue], [PrepOutput], [_preparedValue]);
        _model.Run(_run, [ModelInput], [_preparedValue], [ModelOutput], [_pooledValue]);
        _pooled.CopyTo(features);
    }

    public void Dispose()
    {
        _rawValue.Dispose();
        _preparedValue.Dispose();
        _pooledValue.Dispose();
        _run.Dispose();
        _prep.Dispose();
        _model.Dispose();
    }
}
