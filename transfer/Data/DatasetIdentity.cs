using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AftSweep.Contracts.Grid;

namespace AftSweep.Transfer.Data;

/// <summary>
/// A dataset's identity: sha256 over the loader options that change what is loaded and the bytes of every file
/// it reads (an image-folder split: every file under it, by relative path). Paths and the dataset's name are left
/// out on purpose: the same data copied elsewhere has the same identity, so cached teacher features are reused.
/// </summary>
public static class DatasetIdentity
{
    /// <summary>Bump when loading changes what rows or values a given set of files produces.</summary>
    public const string LoaderVersion = "aft-dataset-1";

    public static string Compute(DatasetSpec spec, DatasetLoaderOptions options, CancellationToken cancellationToken = default)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, CanonicalOptions(spec, options));
        foreach (var (role, source) in new[] { ("train", spec.Train), ("test", spec.Test) })
        {
            var k = 0;
            foreach (var path in source.AllPaths())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Directory.Exists(path))
                {
                    foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                                 .Select(f => Path.GetRelativePath(path, f).Replace('\\', '/')).Order(StringComparer.Ordinal))
                        AppendFile(hash, $"{role}[{k}]/{file}", Path.Combine(path, file));
                }
                else
                {
                    if (!File.Exists(path)) throw new DatasetException(path, null, "file not found");
                    AppendFile(hash, $"{role}[{k}]", path);
                }
                k++;
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Every option that changes the loaded rows, in a fixed textual form.</summary>
    public static string CanonicalOptions(DatasetSpec spec, DatasetLoaderOptions options)
    {
        var sb = new StringBuilder();
        sb.Append(LoaderVersion).Append('\n');
        sb.Append("kind=").Append(spec.Kind).Append('\n');
        sb.Append("format=").Append(spec.Format).Append('\n');
        if (spec.Format is DatasetFormat.Tsv or DatasetFormat.Csv)
        {
            sb.Append("header=").Append(spec.Header).Append('\n');
            sb.Append("text=").Append(string.Join("|", spec.Text.Select(Column))).Append('\n');
            sb.Append("label=").Append(spec.Label is null ? "" : Column(spec.Label)).Append('\n');
            sb.Append("template=").Append(JsonSerializer.Serialize(spec.Template)).Append('\n');
        }
        if (spec.Limit is { } limit && (limit.Train is not null || limit.Test is not null))
        {
            sb.Append("limit.train=").Append(limit.Train?.ToString(CultureInfo.InvariantCulture) ?? "all").Append('\n');
            sb.Append("limit.test=").Append(limit.Test?.ToString(CultureInfo.InvariantCulture) ?? "all").Append('\n');
            // The seed only matters to limited splits; leaving it out otherwise lets grids that differ only in
            // their split seed share features.
            sb.Append("splitSeed=").Append(options.SplitSeed.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return sb.ToString();
    }

    private static string Column(ColumnRef c) => c.Name is not null ? "name:" + c.Name : "index:" + c.Index!.Value.ToString(CultureInfo.InvariantCulture);

    private static void AppendFile(IncrementalHash hash, string label, string path)
    {
        using var stream = File.OpenRead(path);
        var fileHash = SHA256.HashData(stream);
        Append(hash, $"{label} {stream.Length} {Convert.ToHexStringLower(fileHash)}\n");
    }

    private static void Append(IncrementalHash hash, string text) => hash.AppendData(Encoding.UTF8.GetBytes(text));
}
