namespace AftSweep.Contracts.Staging;

/// <summary>
/// A file `submit` staged into the cluster's store, in place of a client path in a plan: "staged:KIND/FINGERPRINT/ROLE",
/// KIND datasets or checkpoints, FINGERPRINT the dataset or checkpoint fingerprint the planner computed (so the content is
/// addressed by what the trial id already hashes), ROLE the file's role in that fingerprint ("train.files[0000]",
/// "checkpoint"). A silo turns it into a verified local copy (grains/Staging/StagedInputs).
/// </summary>
public static class StagedPath
{
    public const string Scheme = "staged:";
    public const string Datasets = "datasets";
    public const string Checkpoints = "checkpoints";

    public static bool IsStaged(string? path) => path is not null && path.StartsWith(Scheme, StringComparison.Ordinal);

    public static string Of(string kind, string fingerprint, string role) => $"{Scheme}{kind}/{fingerprint}/{role}";

    /// <exception cref="InvalidDataException">Not a staged reference of a known kind with a hex fingerprint.</exception>
    public static (string Kind, string Fingerprint, string Role) Parse(string path)
    {
        if (!IsStaged(path)) throw new InvalidDataException($"'{path}' is not a staged file ({Scheme}KIND/FINGERPRINT/ROLE)");
        var parts = path[Scheme.Length..].Split('/', 3);
        if (parts.Length != 3 || parts[0] is not (Datasets or Checkpoints) || parts[1].Length is < 16 or > 64
            || !parts[1].All(char.IsAsciiHexDigitLower) || parts[2].Length == 0)
            throw new InvalidDataException($"'{path}' is not a staged file ({Scheme}{Datasets}|{Checkpoints}/FINGERPRINT/ROLE)");
        return (parts[0], parts[1], parts[2]);
    }
}
