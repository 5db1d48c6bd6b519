using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;

namespace AftSweep.Tests.Data;

/// <summary>A temporary folder per test and writers for the small files the loader tests need.</summary>
public sealed class TestFiles : IDisposable
{
    public TestFiles() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "aft-data-" + Guid.NewGuid().ToString("N"));

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public string PathOf(string name)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    public string Write(string name, string text)
    {
        var path = PathOf(name);
        File.WriteAllText(path, text);
        return path;
    }

    public string Write(string name, byte[] bytes)
    {
        var path = PathOf(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A .tar.gz with the given members.</summary>
    public string WriteTarGz(string name, IEnumerable<(string Member, byte[] Bytes)> members)
    {
        var path = PathOf(name);
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Ustar);
        foreach (var (member, bytes) in members)
            tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, member) { DataStream = new MemoryStream(bytes) });
        return path;
    }

    /// <summary>IDX images (magic 0x803) and labels (0x801), optionally gzipped.</summary>
    public (string Images, string Labels) WriteIdx(string prefix, byte[][] images, int rows, int cols, byte[] labels, bool gzip)
    {
        var img = new byte[16 + images.Length * rows * cols];
        BinaryPrimitives.WriteInt32BigEndian(img, 0x803);
        BinaryPrimitives.WriteInt32BigEndian(img.AsSpan(4), images.Length);
        BinaryPrimitives.WriteInt32BigEndian(img.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(img.AsSpan(12), cols);
        for (var i = 0; i < images.Length; i++) images[i].CopyTo(img, 16 + i * rows * cols);
        var lab = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(lab, 0x801);
        BinaryPrimitives.WriteInt32BigEndian(lab.AsSpan(4), labels.Length);
        labels.CopyTo(lab, 8);
        var ext = gzip ? ".gz" : "";
        return (Write($"{prefix}-images-idx3-ubyte{ext}", gzip ? Gzip(img) : img),
                Write($"{prefix}-labels-idx1-ubyte{ext}", gzip ? Gzip(lab) : lab));
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest)) gzip.Write(bytes);
        return output.ToArray();
    }

    /// <summary>A member list from the CIFAR fixture tar: (name, bytes) in archive order.</summary>
    public static List<(string Member, byte[] Bytes)> CifarFixtureMembers()
    {
        using var file = File.OpenRead(Fixture("cifar10-8.tar.gz"));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var members = new List<(string, byte[])>();
        while (tar.GetNextEntry() is { } entry)
        {
            var bytes = new byte[entry.Length];
            entry.DataStream!.ReadExactly(bytes);
            members.Add((entry.Name, bytes));
        }
        return members;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
