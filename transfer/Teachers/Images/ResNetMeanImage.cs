using Microsoft.ML.OnnxRuntime;

namespace AftSweep.Transfer.Teachers.Images;

/// <summary>
/// The ResNet-18 package's preprocessing graph (ResNetPreprocess.onnx: split RGB planes, concat as BGR, subtract a
/// constant mean image), read out of the model file so it can be folded into the resize
/// (<see cref="ImageResizer.ToPlanarBgrMinus"/>) instead of running a second session per image. Loading proves
/// the fold exact: the graph on all-zero input gives minus the mean image, and on a probe image whose planes all
/// differ it must give exactly probe-as-BGR minus that mean, bit for bit; any other graph is refused.
/// </summary>
public sealed class ResNetMeanImage
{
    public const string Input = "OriginalInput", Output = "PreprocessedInput";

    private ResNetMeanImage(int size, float[] bgr)
    {
        Size = size;
        Bgr = bgr;
    }

    public int Size { get; }
    /// <summary>3 planes of Size x Size, in B, G, R order.</summary>
    public ReadOnlyMemory<float> Bgr { get; }

    public static ResNetMeanImage Load(string spec, string preprocessPath, int size)
    {
        using var session = Onnx.OnnxSessions.Open(spec, preprocessPath, intraOpThreads: 1);
        var n = 3 * size * size;
        var zeros = new float[n];
        var mean = Run(spec, preprocessPath, session, zeros, size);
        for (var i = 0; i < n; i++) mean[i] = -mean[i]; // 0 - m is exactly -m

        var plane = size * size;
        var probe = new float[n];
        for (var c = 0; c < 3; c++)
            for (var p = 0; p < plane; p++) probe[c * plane + p] = (c * 85 + p * 7 + p / size * 3) % 256;
        var actual = Run(spec, preprocessPath, session, probe, size);
        for (var c = 0; c < 3; c++)
            for (var p = 0; p < plane; p++)
            {
                var i = c * plane + p;
                var expected = probe[(2 - c) * plane + p] - mean[i];
                if (BitConverter.SingleToInt32Bits(actual[i]) != BitConverter.SingleToInt32Bits(expected))
                    throw new TeacherException(spec,
                        $"{preprocessPath} is not the expected 'RGB to BGR, minus the mean image' graph: output {i} is {actual[i]:R}, expected {expected:R}");
            }
        return new ResNetMeanImage(size, mean);
    }

    private static float[] Run(string spec, string path, InferenceSession session, float[] input, int size)
    {
        var output = new float[input.Length];
        long[] shape = [1, 3, size, size];
        try
        {
            using var inputValue = OrtValue.CreateTensorValueFromMemory(input, shape);
            using var outputValue = OrtValue.CreateTensorValueFromMemory(output, shape);
            using var run = new RunOptions();
            session.Run(run, [Input], [inputValue], [Output], [outputValue]);
        }
        catch (OnnxRuntimeException e)
        {
            throw new TeacherException(spec, $"{path}: expected input '{Input}' and output '{Output}' of [1, 3, {size}, {size}]: {e.Message}", e);
        }
        return output;
    }
}
