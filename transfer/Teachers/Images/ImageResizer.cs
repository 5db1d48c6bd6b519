namespace AftSweep.Transfer.Teachers.Images;

/// <summary>
/// Bilinear resize of one uint8 HWC RGB image into float CHW planes, with half-pixel centres and edge clamping
/// (PyTorch's interpolate(mode="bilinear", align_corners=False), no antialiasing: teachers upsample small images).
/// Sampling positions and weights are precomputed once per size pair.
/// </summary>
public sealed class ImageResizer
{
    private static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];

    private readonly int _srcWidth;
    private readonly (int Lo, int Hi, float W)[] _rows;
    private readonly (int Lo, int Hi, float W)[] _cols;

    public ImageResizer(int srcHeight, int srcWidth, int dstHeight, int dstWidth)
    {
        _srcWidth = srcWidth;
        SrcHeight = srcHeight;
        DstHeight = dstHeight;
        DstWidth = dstWidth;
        _rows = Taps(srcHeight, dstHeight);
        _cols = Taps(srcWidth, dstWidth);
    }

    public int SrcHeight { get; }
    public int DstHeight { get; }
    public int DstWidth { get; }

    /// <summary>Writes 3 planes of DstHeight x DstWidth floats into <paramref name="chw"/>.</summary>
    public void ToPlanar(ReadOnlySpan<byte> hwc, Span<float> chw, PixelScaling scaling)
    {
        var plane = DstHeight * DstWidth;
        if (hwc.Length != SrcHeight * _srcWidth * 3) throw new ArgumentException("image buffer does not match the source size");
        if (chw.Length != 3 * plane) throw new ArgumentException("planar buffer does not match the target size");
        var stride = _srcWidth * 3;
        for (var y = 0; y < DstHeight; y++)
        {
            var (y0, y1, wy) = _rows[y];
            for (var x = 0; x < DstWidth; x++)
            {
                var (x0, x1, wx) = _cols[x];
                for (var c = 0; c < 3; c++)
                {
                    float p00 = hwc[y0 * stride + x0 * 3 + c], p01 = hwc[y0 * stride + x1 * 3 + c];
                    float p10 = hwc[y1 * stride + x0 * 3 + c], p11 = hwc[y1 * stride + x1 * 3 + c];
                    var top = p00 + (p01 - p00) * wx;
                    var bottom = p10 + (p11 - p10) * wx;
                    var v = top + (bottom - top) * wy;
                    chw[c * plane + y * DstWidth + x] = scaling == PixelScaling.Raw255
                        ? v
                        : (v / 255f - ImageNetMean[c]) / ImageNetStd[c];
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
            var hi = Math.Min(lo + 1, src - 1);
            taps[i] = (lo, hi, (float)(pos - lo));
        }
        return taps;
    }
}
