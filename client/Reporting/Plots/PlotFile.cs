using ScottPlot;
using SkiaSharp;

namespace AftSweep.Client.Reporting.Plots;

/// <summary>Writes a <see cref="Figure"/> as PNG or SVG, chosen by the file extension, atomically (temp + rename).</summary>
public static class PlotFile
{
    public static void Save(Figure figure, string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".png" or ".svg"))
        {
            throw new ReportInputException($"--out: '{path}' must end in .png or .svg");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = File.Create(temp))
            {
                if (extension == ".png")
                {
                    WritePng(figure, stream);
                }
                else
                {
                    WriteSvg(figure, stream);
                }
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static void WritePng(Figure figure, Stream stream)
    {
        var info = new SKImageInfo(figure.Width, figure.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var surface = SKSurface.Create(info) ?? throw new InvalidOperationException($"SkiaSharp could not create a {figure.Width}x{figure.Height} raster surface");
        Draw(figure, surface.Canvas);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        data.SaveTo(stream);
    }

    private static void WriteSvg(Figure figure, Stream stream)
    {
        // The SVG canvas writes its document when disposed, so it must go before the stream is closed.
        using var managed = new SKManagedWStream(stream);
        using (SvgSafeLines.Apply(figure))
        using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, figure.Width, figure.Height), managed))
        {
            Draw(figure, canvas);
        }

        managed.Flush();
    }

    private static void Draw(Figure figure, SKCanvas canvas)
    {
        canvas.Clear(SKColors.White);
        for (var i = 0; i < figure.Panels.Count; i++)
        {
            var top = i * figure.PanelHeight;
            var rect = new PixelRect(0, figure.Width, top + figure.PanelHeight, top);
            canvas.Save();
            canvas.ClipRect(new SKRect(0, top, figure.Width, top + figure.PanelHeight));
            figure.Panels[i].Render(canvas, rect);
            canvas.Restore();
        }
    }
}
