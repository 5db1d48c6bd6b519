using System.Numerics;

namespace AftSweep.Transfer.Teachers.Images;

/// <summary>
/// Bilinear resize of one uint8 HWC RGB image into float CHW planes, with half-pixel centres and edge clamping
/// (PyTorch's interpolate(mode="bilinear", align_corners=False), no antialiasing: teachers upsample small images).
/// Separable: each source row is interpolated horizontally once (into a per-instance scratch buffer), then every
/// output row blends two of those rows, vectorised. The arithmetic per output value is the same expression as the
/// textbook two-pass formula (top = p00 + (p01 - p00) wx, likewise bottom, v = top + (bottom - top) wy), so
/// results are bit-identical to it. An instance is not thread-safe (the scratch buffer): one per worker.
/// </summary>
public sealed class ImageResizer
{
    private static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];

    private readonly int _srcWidth;
    private readonly (int Lo, int Hi, float W)[] _rows;
    private readonly (int Lo, int Hi, float W)[] _cols;
    private readonly float[] _horizontal;

    public ImageResizer(int srcHeight, int srcWidth, int dstHeight, int dstWidth)
    {
        _srcWidth = srcWidth;
        SrcHeight = srcHeight;
        DstHeight = dstHeight;
        DstWidth = dstWidth;
        _rows = Taps(srcHeight, dstHeight);
        _cols = Taps(srcWidth, dstWidth);
        _horizontal = new float[3 * srcHeight * dstWidth];
    }

    public int SrcHeight { get; }
    public int DstHeight { get; }
    public int DstWidth { get; }

    /// <summary>Writes 3 planes (R, G, B) of DstHeight x DstWidth floats into <paramref name="chw"/>.</summary>
    public void ToPlanar(ReadOnlySpan<byte> hwc, Span<float> chw, PixelScaling scaling)
    {
        Resize(hwc, chw, bgr: false);
        if (scaling == PixelScaling.Raw255) return;
        var plane = DstHeight * DstWidth;
        for (var c = 0; c < 3; c++)
        {
            var p = chw.Slice(c * plane, plane);
            float mean = ImageNetMean[c], std = ImageNetStd[c];
            for (var i = 0; i < p.Length; i++) p[i] = (p[i] / 255f - mean) / std;
        }
    }

    /// <summary>
    /// Writes 3 planes in B, G, R order minus <paramref name="meanBgr"/> (3 planes, same order): a whole
    /// "RGB to BGR, subtract the mean image" preprocessing graph folded into the resize.
    /// </summary>
    public void ToPlanarBgrMinus(ReadOnlySpan<byte> hwc, Span<float> chw, ReadOnlySpan<float> meanBgr)
    {
        if (meanBgr.Length != chw.Length) throw new ArgumentException("mean image does not match the target size");
        Resize(hwc, chw, bgr: true);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
            for (; i <= chw.Length - Vector<float>.Count; i += Vector<float>.Count)
                (new Vector<float>(chw[i..]) - new Vector<float>(meanBgr[i..])).CopyTo(chw[i..]);
        for (; i < chw.Length; i++) chw[i] -= meanBgr[i];
    }

    private void Resize(ReadOnlySpan<byte> hwc, Span<float> chw, bool bgr)
    {
        var plane = DstHeight * DstWidth;
        if (hwc.Length != SrcHeight * _srcWidth * 3) throw new ArgumentException("image buffer does not match the source size");
        if (chw.Length != 3 * plane) throw new ArgumentException("planar buffer does not match the target size");
        var stride = _srcWidth * 3;
        var width = DstWidth;
        // Horizontal pass: every source row, every channel, at the output columns.
        for (var sy = 0; sy < SrcHeight; sy++)
        {
            var src = hwc.Slice(sy * stride, stride);
            for (var c = 0; c < 3; c++)
            {
                var dst = _horizontal.AsSpan((c * SrcHeight + sy) * width, width);
                for (var x = 0; x < width; x++)
                {
                    var (x0, x1, wx) = _cols[x];
                    float p0 = src[x0 * 3 + c], p1 = src[x1 * 3 + c];
                    dst[x] = p0 + (p1 - p0) * wx;
                }
            }
        }
        // Vertical pass: output row y blends horizontal rows y0 and y1.
        for (var c = 0; c < 3; c++)
        {
            var outPlane = chw.Slice((bgr ? 2 - c : c) * plane, plane);
            for (var y = 0; y < DstHeight; y++)
            {
                var (y0, y1, wy) = _rows[y];
                ReadOnlySpan<float> top = _horizontal.AsSpan((c * SrcHeight + y0) * width, width);
                ReadOnlySpan<float> bottom = _horizontal.AsSpan((c * SrcHeight + y1) * width, width);
                var dst = outPlane.Slice(y * width, width);
                var x = 0;
                if (Vector.IsHardwareAccelerated)
                {
                    var w = new Vector<float>(wy);
                    for (; x <= width - Vector<float>.Count; x += Vector<float>.Count)
                    {
                        var t = new Vector<float>(top[x..]);
                        (t + (new Vector<float>(bottom[x..]) - t) * w).CopyTo(dst[x..]);
                    }
                }
                for (; x < width; x++) dst[x] = top[x] + (bottom[x] - top[x]) * wy;
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
            var hi = Math.Min(lo + 1, src - 1);
            taps[i] = (lo, hi, (float)(pos - lo));
        }
        return taps;
    }
}
