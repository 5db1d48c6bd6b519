using AftSweep.Transfer.Bundled;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Teachers;
using AftSweep.Transfer.Teachers.Images;
using Microsoft.ML.OnnxRuntime;

namespace AftSweep.Tests.Teachers;

/// <summary>
/// The fast ResNet-18 path (separable resize, preprocessing graph folded into it) against the reference path it
/// replaced, on real CIFAR-10 images: the features must not move, or cached feature sets would silently change.
/// </summary>
public sealed class ResNet18ReferenceTests
{
    // Taken from the previous extractor (textbook resize, ResNetPreprocess.onnx as its own session) on the 8
    // fixture images: (row, column, value), and each row's sum.
    private static readonly (int Row, int Col, float Value)[] Pinned =
    [
        (0, 0, 0f), (0, 7, 0.22329012f), (1, 100, 0.009309865f), (3, 255, 0.52472717f), (5, 300, 0.21327731f), (7, 511, 0.22449443f),
        (0, 2, 2.7993243f), (1, 2, 3.3848035f), (2, 0, 1.5864414f), (3, 0, 1.7553247f), (4, 0, 1.9480591f), (5, 0, 6.877079f),
        (6, 1, 0.590825f), (7, 2, 1.6314595f),
    ];
    private static readonly double[] PinnedRowSums =
        [558.091298201587, 443.39505067878054, 509.6230565108126, 389.44335754183703, 478.6565767764696, 353.6217988905846, 494.2147270757705, 388.95937375016376];

    [Fact]
    public async Task ResNet18_CifarImages_GiveThePinnedFeatureValues()
    {
        var data = TeacherTestData.Cifar8();
        using var teacher = new TeacherFactory(new TeacherOptions { ImageWorkers = 2 }).Create("onnx:resnet18-imagenet", ".");

        var f = await teacher.ExtractAsync(data, SplitName.Train, 0, 8, null, CancellationToken.None);

        foreach (var (row, col, value) in Pinned)
        {
            var actual = f.Data[row * 512 + col];
            Assert.True(Math.Abs(actual - value) <= 1e-5 * Math.Max(1, Math.Abs(value)), $"row {row} col {col}: {actual:R}, pinned {value:R}");
        }
        for (var r = 0; r < 8; r++)
        {
            var sum = f.Data.AsSpan(r * 512, 512).ToArray().Sum(v => (double)v);
            Assert.True(Math.Abs(sum - PinnedRowSums[r]) <= 1e-5 * PinnedRowSums[r], $"row {r} sums to {sum:R}, pinned {PinnedRowSums[r]:R}");
        }
    }

    [Fact]
    public void ResNetMeanImage_FoldedIntoTheResize_MatchesThePreprocessingGraphOnCifarImages()
    {
        const int size = 224;
        var images = TeacherTestData.Cifar8().Train.Images!;
        var mean = ResNetMeanImage.Load("test", BundledModels.ResNet18Preprocess, size);
        var resizer = new ImageResizer(images.Height, images.Width, size, size);
        using var session = new InferenceSession(BundledModels.ResNet18Preprocess);
        var raw = new float[3 * size * size];
        var folded = new float[raw.Length];

        for (var i = 0; i < images.Count; i++)
        {
            var pixels = images.Pixels.AsSpan(i * images.ImageBytes, images.ImageBytes);
            resizer.ToPlanar(pixels, raw, PixelScaling.Raw255);
            using var input = OrtValue.CreateTensorValueFromMemory(raw, [1, 3, size, size]);
            using var outputs = session.Run(new RunOptions(), [ResNetMeanImage.Input], [input], [ResNetMeanImage.Output]);
            var reference = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            resizer.ToPlanarBgrMinus(pixels, folded, mean.Bgr.Span);

            var worst = reference.Zip(folded, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst <= 1e-5, $"image {i}: folded preprocessing differs from the graph by {worst}");
        }
    }

    [Fact]
    public void ResNetMeanImage_ModelThatIsNotThePreprocessingGraph_IsRefused()
    {
        var e = Assert.Throws<TeacherException>(() => ResNetMeanImage.Load("onnx:resnet18-imagenet", BundledModels.ResNet18Model, 224));

        Assert.Contains("ResNet18.onnx", e.Message);
    }

    [Theory]
    [InlineData(PixelScaling.Raw255)]
    [InlineData(PixelScaling.ImageNet)]
    public void ImageResizer_Separable_IsBitIdenticalToTheTextbookFormula(PixelScaling scaling)
    {
        var images = TeacherTestData.Cifar8().Train.Images!;
        var resizer = new ImageResizer(images.Height, images.Width, 224, 200);
        var fast = new float[3 * 224 * 200];
        var reference = new float[fast.Length];

        for (var i = 0; i < 2; i++)
        {
            var pixels = images.Pixels.AsSpan(i * images.ImageBytes, images.ImageBytes);
            resizer.ToPlanar(pixels, fast, scaling);
            Textbook(pixels, images.Height, images.Width, reference, 224, 200, scaling);
            Assert.Equal(reference, fast);
        }
    }

    /// <summary>The per-pixel formula the previous resizer used: both taps of both rows for every output value.</summary>
    private static void Textbook(ReadOnlySpan<byte> hwc, int srcH, int srcW, float[] chw, int dstH, int dstW, PixelScaling scaling)
    {
        float[] mean = [0.485f, 0.456f, 0.406f], std = [0.229f, 0.224f, 0.225f];
        var rows = Taps(srcH, dstH);
        var cols = Taps(srcW, dstW);
        var stride = srcW * 3;
        for (var y = 0; y < dstH; y++)
        {
            var (y0, y1, wy) = rows[y];
            for (var x = 0; x < dstW; x++)
            {
                var (x0, x1, wx) = cols[x];
                for (var c = 0; c < 3; c++)
                {
                    float p00 = hwc[y0 * stride + x0 * 3 + c], p01 = hwc[y0 * stride + x1 * 3 + c];
                    float p10 = hwc[y1 * stride + x0 * 3 + c], p11 = hwc[y1 * stride + x1 * 3 + c];
                    var top = p00 + (p01 - p00) * wx;
                    var bottom = p10 + (p11 - p10) * wx;
                    var v = top + (bottom - top) * wy;
                    chw[c * dstH * dstW + y * dstW + x] = scaling == PixelScaling.Raw255 ? v : (v / 255f - mean[c]) / std[c];
                }
            }
        }
    }

    private static (int, int, float)[] Taps(int src, int dst)
    {
        var taps = new (int, int, float)[dst];
        var scale = (double)src / dst;
        for (var i = 0; i < dst; i++)
        {
            var pos = Math.Max((i + 0.5) * scale - 0.5, 0);
            var lo = Math.Min((int)Math.Floor(pos), src - 1);
            taps[i] = (lo, Math.Min(lo + 1, src - 1), (float)(pos - lo));
        }
        return taps;
    }
}
