using System.Formats.Tar;
using System.IO.Compression;

namespace AftSweep.Transfer.Data.Formats;

/// <summary>
/// image-tar: one or more .tar.gz files whose image members are <c>&lt;anything&gt;/&lt;class&gt;/&lt;file&gt;.jpg|png</c>.
/// Rows are all members of all files sorted by member name (ordinal); class = parent folder name. Members that
/// are not images (folders, notes) are skipped; the same member name in two files is an error.
/// </summary>
internal static class ImageTarReader
{
    public static RawSplit Read(IReadOnlyList<string> files, int threads, CancellationToken cancellationToken)
    {
        if (files.Count == 0) throw new DatasetException("dataset", null, "image-tar split lists no .tar.gz files");
        var members = new List<ImageMember>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (!File.Exists(file)) throw new DatasetException(file, null, "file not found");
            var before = members.Count;
            try
            {
                using var stream = File.OpenRead(file);
                using var gzip = new GZipStream(stream, CompressionMode.Decompress);
                using var tar = new TarReader(gzip);
                while (tar.GetNextEntry() is { } entry)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)) continue;
                    if (!ImageMember.IsImageName(entry.Name)) continue;
                    var parts = entry.Name.Split('/', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length < 2)
                        throw new DatasetException(file, $"member {entry.Name}",
                            "image is not inside a class folder: expected <anything>/<class>/<file>.jpg|png");
                    if (seen.TryGetValue(entry.Name, out var other))
                        throw new DatasetException(file, $"member {entry.Name}", $"also appears in {other}: member names must be unique");
                    seen[entry.Name] = file;
                    var bytes = new byte[entry.Length];
                    entry.DataStream?.ReadExactly(bytes);
                    members.Add(new ImageMember(file, entry.Name, parts[^2], bytes));
                }
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
            {
                throw new DatasetException(file, null, $"is not a readable .tar.gz archive ({e.Message})", e);
            }
            if (members.Count == before)
                throw new DatasetException(file, null, "contains no images: expected members <anything>/<class>/<file>.jpg|png");
        }
        members.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return ImageSplit.From(members, threads, cancellationToken);
    }
}
