namespace AftSweep.Infra.Orleans;

/// <summary>All-or-nothing file replacement: write a unique temp file beside the target, then rename over it.</summary>
public static class AtomicFile
{
    public const string TempSuffix = ".aftsweep-tmp";

    public static void Write(string path, ReadOnlySpan<byte> bytes, bool flush)
    {
        var dir = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(dir, $"{Path.GetFileName(path)}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            WriteTemp(temp, bytes, flush);
        }
        catch (DirectoryNotFoundException)
        {
            Directory.CreateDirectory(dir);
            WriteTemp(temp, bytes, flush);
        }
        try
        {
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void WriteTemp(string temp, ReadOnlySpan<byte> bytes, bool flush)
    {
        using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1);
        stream.Write(bytes);
        if (flush) stream.Flush(flushToDisk: true);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp file is harmless and has a recognisable suffix.
        }
    }
}
