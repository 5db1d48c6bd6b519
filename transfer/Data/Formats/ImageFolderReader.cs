namespace AftSweep.Transfer.Data.Formats;

/// <summary>image-folder: <c>&lt;root&gt;/&lt;class&gt;/&lt;file&gt;</c>; rows sorted by "class/file" (ordinal).</summary>
internal static class ImageFolderReader
{
    public static RawSplit Read(string root, int threads, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(root)) throw new DatasetException(root, null, "folder not found: expected <root>/<class>/<file>.jpg|png");
        var members = new List<ImageMember>();
        foreach (var classDir in Directory.EnumerateDirectories(root))
        {
            var className = Path.GetFileName(classDir);
            foreach (var file in Directory.EnumerateFiles(classDir))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!ImageMember.IsImageName(file)) continue;
                members.Add(new ImageMember(root, $"{className}/{Path.GetFileName(file)}", className, File.ReadAllBytes(file)));
            }
        }
        if (members.Count == 0)
            throw new DatasetException(root, null, "contains no images: expected <root>/<class>/<file>.jpg|png");
        members.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return ImageSplit.From(members, threads, cancellationToken);
    }
}
