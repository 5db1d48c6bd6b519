using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AftSweep.Contracts.Grid;

/// <summary>Streams named files into one sha256, each framed by its role and length so that moving bytes between
/// files changes the hash. Files are read in chunks, never whole into memory.</summary>
internal sealed class FileHashing : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _buffer = new byte[1 << 16];

    public FileHashing(string domain) => AppendText(domain + "\n");

    public void AppendText(string text) => _hash.AppendData(Encoding.UTF8.GetBytes(text));

    public void AppendFile(string role, string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        AppendText($"{role}\n");
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(length, stream.Length);
        _hash.AppendData(length);
        int read;
        while ((read = stream.Read(_buffer, 0, _buffer.Length)) > 0) _hash.AppendData(_buffer, 0, read);
    }

    public string HexDigest() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();

    public static string OfFile(string domain, string path)
    {
        using var h = new FileHashing(domain);
        h.AppendFile("file", path);
        return h.HexDigest();
    }
}
