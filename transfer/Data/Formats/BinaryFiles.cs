using System.IO.Compression;

namespace AftSweep.Transfer.Data.Formats;

internal static class BinaryFiles
{
    /// <summary>The file's bytes, gunzipped when they start with the gzip magic (whatever the file is called).</summary>
    public static byte[] ReadMaybeGzipped(string path)
    {
        if (!File.Exists(path)) throw new DatasetException(path, null, "file not found");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b) return bytes;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var output = new MemoryStream();
            gzip.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DatasetException(path, null, $"starts like gzip but does not decompress ({e.Message})", e);
        }
    }
}
