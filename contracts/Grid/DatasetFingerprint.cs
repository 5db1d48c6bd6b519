using System.Globalization;

namespace AftSweep.Contracts.Grid;

/// <summary>
/// A dataset's identity: sha256 over its loader options and the bytes of every file it reads (sorted by role, e.g.
/// <c>test.files[0000]</c>, <c>train.images</c>). Paths and the dataset's name are not part of it, so the same data
/// has the same fingerprint on every machine, wherever it lives.
/// </summary>
public static class DatasetFingerprint
{
    private const string Domain = "aftsweep-dataset-v1";

    /// <exception cref="IOException">A file the dataset reads is missing or unreadable (validation checks this first).</exception>
    /// <param name="splitSeed">Seeds the class-balanced <c>limit</c> subsets, so it is part of the identity when a limit is set.</param>
    public static string Compute(DatasetSpec dataset, int splitSeed = SelectionSpec.DefaultSplitSeed)
    {
        using var hash = new FileHashing(Domain);
        var options = LoaderOptions(dataset);
        if (dataset.Limit is not null) options["limitSeed"] = splitSeed;
        hash.AppendText(CanonicalJson.Write(options) + "\n");
        foreach (var (role, path) in Files(dataset).OrderBy(f => f.Role, StringComparer.Ordinal))
            hash.AppendFile(role, path);
        return hash.HexDigest();
    }

    /// <summary>Everything in the dataset block but its name and paths: how the files are read.</summary>
    private static System.Text.Json.Nodes.JsonObject LoaderOptions(DatasetSpec dataset)
    {
        var node = CanonicalJson.ToNode(dataset).AsObject();
        node.Remove("name");
        node.Remove("train");
        node.Remove("test");
        return node;
    }

    /// <summary>
    /// The dataset with each path the spec names (a file, or an image-folder root) replaced by
    /// <paramref name="map"/>(role, path), roles as the fingerprint names them ("train.files[0000]", "test.labels").
    /// Staging rewrites paths to staged references and back to local copies this way, so the roles always agree.
    /// </summary>
    public static DatasetSpec MapPaths(DatasetSpec dataset, Func<string, string, string> map)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(map);
        SplitSource Map(string split, SplitSource source) => source with
        {
            Files = source.Files.Select((path, i) => map(FilesRole(split, i), path)).ToList(),
            Images = source.Images is { } images ? map($"{split}.images", images) : null,
            Labels = source.Labels is { } labels ? map($"{split}.labels", labels) : null,
            X = source.X is { } x ? map($"{split}.x", x) : null,
            Y = source.Y is { } y ? map($"{split}.y", y) : null,
        };
        return dataset with { Train = Map("train", dataset.Train), Test = Map("test", dataset.Test) };
    }

    /// <summary>(role, absolute path) for every file the fingerprint reads; an image-folder root contributes each file under it as "ROLE/relative/path".</summary>
    public static IEnumerable<(string Role, string Path)> RoleFiles(DatasetSpec dataset) => Files(dataset);

    private static string FilesRole(string split, int index) => $"{split}.files[{index.ToString("D4", CultureInfo.InvariantCulture)}]";

    /// <summary>(role, absolute path) for every file; an image-folder root contributes each file under it.</summary>
    private static IEnumerable<(string Role, string Path)> Files(DatasetSpec dataset)
    {
        foreach (var (split, source) in new[] { ("train", dataset.Train), ("test", dataset.Test) })
        {
            for (var i = 0; i < source.Files.Count; i++)
            {
                var role = FilesRole(split, i);
                var path = source.Files[i];
                if (dataset.Format == DatasetFormat.ImageFolder)
                {
                    foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
                        yield return ($"{role}/{System.IO.Path.GetRelativePath(path, file).Replace('\\', '/')}", file);
                }
                else yield return (role, path);
            }
            if (source.Images is { } images) yield return ($"{split}.images", images);
            if (source.Labels is { } labels) yield return ($"{split}.labels", labels);
            if (source.X is { } x) yield return ($"{split}.x", x);
            if (source.Y is { } y) yield return ($"{split}.y", y);
        }
    }
}
