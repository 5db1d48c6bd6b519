using AftSweep.Transfer.Data;
using Microsoft.ML.OnnxRuntime;

namespace AftSweep.Transfer.Teachers.Images;

/// <summary>
/// One worker of a user's image model: bilinear resize to the model's input size, ImageNet normalisation, NCHW,
/// batch 1; the named output flattened ([1, c, 1, 1] or [1, d]) or mean-pooled over tokens ([1, seq, d]).
/// </summary>
internal sealed class OnnxFileImageWorker : IImageWorker
{
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly string _input, _output;
    private readonly int _height, _width, _rank;
    private readonly float[] _pixels;
    private readonly OrtValue _pixelValue;
    private ImageResizer? _resizer;

    public OnnxFileImageWorker(string spec, string path, string input, string output, int height, int width, int outputRank, TeacherOptions options)
    {
        _session = Onnx.OnnxSessions.Open(spec, path, intraOpThreads: 1, options);
        _input = input;
        _output = output;
        _height = height;
        _width = width;
        _rank = outputRank;
        _pixels = new float[3 * height * width];
        _pixelValue = OrtValue.CreateTensorValueFromMemory(_pixels, [1, 3, height, width]);
    }

    public void Extract(ImageBatch images, int index, Span<float> features)
    {
        if (_resizer is null || _resizer.SrcHeight != images.Height) _resizer = new ImageResizer(images.Height, images.Width, _height, _width);
        _resizer.ToPlanar(images.Pixels.AsSpan(index * images.ImageBytes, images.ImageBytes), _pixels, PixelScaling.ImageNet);
        using var outputs = _session.Run(_run, [_input], [_pixelValue], [_output]);
        var values = outputs[0].GetTensorDataAsSpan<float>();
        if (_rank == 3)
        {
            // [1, seq, d]: mean over the sequence (patch tokens and any class token alike).
            var d = features.Length;
            var seq = values.Length / d;
            features.Clear();
            for (var t = 0; t < seq; t++)
                for (var j = 0; j < d; j++) features[j] += values[t * d + j];
            for (var j = 0; j < d; j++) features[j] /= seq;
        }
        else values.CopyTo(features);
    }

    public void Dispose()
    {
        _pixelValue.Dispose();
        _run.Dispose();
        _session.Dispose();
    }
}
