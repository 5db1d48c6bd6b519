namespace AftSweep.Contracts.Grid;

/// <summary>
/// The files a downstream spec reads, resolved once for both the planner (which hashes them into the trial id) and
/// the loader (which reads them), so the two cannot disagree: the checkpoint itself, and its side files as Hugging
/// Face lays them out next to it (config.json, vocab.txt, tokenizer_config.json) unless the grid names them.
/// </summary>
public sealed record CheckpointFiles(string? Checkpoint, string? Config, string? Vocabulary, string? TokenizerConfig)
{
    public const string ConfigFileName = "config.json";
    public const string VocabularyFileName = "vocab.txt";
    public const string TokenizerConfigFileName = "tokenizer_config.json";

    public static CheckpointFiles Of(DownstreamSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var checkpoint = spec.Init is { } init && !OfflineCheckpoints.LooksOffline(init) ? init : null;
        var folder = checkpoint is null ? null : Path.GetDirectoryName(checkpoint);
        var text = DownstreamModels.Find(spec.Model)?.Accepts.Contains(DatasetKind.Text) ?? false;
        var config = spec.ConfigFile ?? (spec.Config is null ? Beside(folder, ConfigFileName) : null);
        var vocabulary = text ? spec.Vocabulary ?? Beside(folder, VocabularyFileName) : null;
        var tokenizerConfig = text && vocabulary is not null
            ? Beside(Path.GetDirectoryName(vocabulary), TokenizerConfigFileName)
            : null;
        return new CheckpointFiles(checkpoint, config, vocabulary, tokenizerConfig);
    }

    /// <summary>Every file that exists, with its role, in a fixed order.</summary>
    public IEnumerable<(string Role, string Path)> Existing()
    {
        if (Checkpoint is not null) yield return ("checkpoint", Checkpoint);
        if (Config is not null) yield return ("config", Config);
        if (Vocabulary is not null) yield return ("vocabulary", Vocabulary);
        if (TokenizerConfig is not null) yield return ("tokenizer-config", TokenizerConfig);
    }

    /// <summary>sha256 over the files (each framed by its role), or null when the spec reads no file.</summary>
    public string? Fingerprint()
    {
        var files = Existing().ToList();
        if (files.Count == 0) return null;
        using var hash = new FileHashing("aftsweep-init-v2");
        foreach (var (role, path) in files) hash.AppendFile(role, path);
        return hash.HexDigest();
    }

    private static string? Beside(string? folder, string name)
    {
        if (folder is null) return null;
        var path = Path.Combine(folder, name);
        return File.Exists(path) ? path : null;
    }
}
