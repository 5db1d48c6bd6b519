namespace AftSweep.Contracts.Grid;

/// <summary>
/// sha256 of the files a teacher is made of: <c>features:DIR</c> (DIR/train.npy, DIR/test.npy) and
/// <c>onnx-file:PATH</c> (the model). Built-in models and noise have no files here (the spec string and the
/// extractor version identify them), so their fingerprint is null.
/// </summary>
public static class TeacherFingerprint
{
    private const string Domain = "aftsweep-teacher-v1";

    /// <param name="spec">A canonical spec (absolute paths), as <see cref="TeacherRef.Spec"/> holds.</param>
    public static string? Compute(string spec)
    {
        if (!TeacherSpec.TryParse(spec, Path.GetPathRoot(Environment.CurrentDirectory)!, out var parsed, out var error))
            throw new ArgumentException($"not a teacher spec: {error}", nameof(spec));
        return Compute(parsed);
    }

    public static string? Compute(TeacherSpec parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        if (parsed.ContentFiles.Count == 0) return null;
        using var hash = new FileHashing(Domain);
        hash.AppendText(parsed.PortableForm + "\n");
        foreach (var file in parsed.ContentFiles) hash.AppendFile(Path.GetFileName(file), file);
        return hash.HexDigest();
    }
}
