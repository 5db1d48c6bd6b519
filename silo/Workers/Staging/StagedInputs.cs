using System.Collections.Concurrent;
using System.Security.Cryptography;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Staging;
using AftSweep.Contracts.Storage;
using Microsoft.Extensions.Logging;

namespace AftSweep.Workers.Staging;

/// <summary>
/// Turns the staged references `submit` put in a plan (<see cref="StagedPath"/>) back into files this machine can read:
/// the manifest and parts are read from the store into a local cache folder (one per fingerprint, written under a
/// temporary name and renamed when complete, so concurrent silos and crashes never leave half a copy), each file
/// checked against its sha256, and the whole checked against the fingerprint the trial id hashed before first use in
/// this process. Specs without staged references pass through unchanged (the embedded `run` reads local paths).
/// </summary>
public sealed partial class StagedInputs(IBlobStore store, string cacheFolder, ILogger<StagedInputs>? logger = null)
{
    public const string DefaultCacheFolderName = "staged";

    private readonly ConcurrentDictionary<string, Lazy<Task<(string Folder, StagedManifest Manifest)>>> _fetched = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _verified = new(StringComparer.Ordinal);
    private readonly ILogger _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<StagedInputs>.Instance;

    public string CacheFolder { get; } = Path.GetFullPath(cacheFolder);

    /// <summary>~/.cache/aftsweep/staged (XDG_CACHE_HOME honoured) when no folder is configured.</summary>
    public static string DefaultCacheFolder()
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "aftsweep", DefaultCacheFolderName);
    }

    public DatasetSpec Materialize(DatasetSpec spec, int splitSeed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var staged = spec.Train.AllPaths().Concat(spec.Test.AllPaths()).Where(StagedPath.IsStaged).Select(StagedPath.Parse).ToList();
        if (staged.Count == 0) return spec;
        var fingerprint = Single(staged, StagedPath.Datasets, $"dataset '{spec.Name}'");
        var (folder, manifest) = Fetch(StagedPath.Datasets, fingerprint, cancellationToken);
        var local = DatasetFingerprint.MapPaths(spec, (role, path) =>
            StagedPath.IsStaged(path) ? DatasetPath(folder, manifest, StagedPath.Parse(path).Role) : path);
        Verify(StagedPath.Datasets, fingerprint, () => DatasetFingerprint.Compute(local, splitSeed), $"dataset '{spec.Name}'");
        return local;
    }

    public DownstreamSpec Materialize(DownstreamSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var staged = new[] { spec.Init, spec.ConfigFile, spec.Vocabulary }.Where(StagedPath.IsStaged).Select(p => StagedPath.Parse(p!)).ToList();
        if (staged.Count == 0) return spec;
        var fingerprint = Single(staged, StagedPath.Checkpoints, "downstream.init");
        var (folder, manifest) = Fetch(StagedPath.Checkpoints, fingerprint, cancellationToken);
        string? Local(string? path) => StagedPath.IsStaged(path) ? CheckpointPath(folder, manifest, StagedPath.Parse(path!).Role) : path;
        var local = spec with { Init = Local(spec.Init), ConfigFile = Local(spec.ConfigFile), Vocabulary = Local(spec.Vocabulary) };
        Verify(StagedPath.Checkpoints, fingerprint, () => CheckpointFiles.Of(local).Fingerprint(), "downstream.init");
        return local;
    }

    /// <summary>Where a dataset file lives in its cache folder: ROLE/NAME, or ROOT/RELATIVE for an image folder's files.</summary>
    public static string DatasetLocalPath(string folder, StagedFile file)
    {
        var slash = file.Role.IndexOf('/', StringComparison.Ordinal);
        return slash < 0
            ? Inside(folder, BlobKey.Sanitize(file.Role), file.Name)
            : Inside(folder, BlobKey.Sanitize(file.Role[..slash]), file.Role[(slash + 1)..]);
    }

    /// <summary>Where a checkpoint file lives: ROLE/NAME, the tokenizer config beside the vocabulary (as the loader looks for it).</summary>
    public static string CheckpointLocalPath(string folder, StagedFile file) =>
        Inside(folder, file.Role == "tokenizer-config" ? "vocabulary" : BlobKey.Sanitize(file.Role), file.Name);

    private static string DatasetPath(string folder, StagedManifest manifest, string role)
    {
        // A file role names its file; an image-folder root names the folder its files were laid out under.
        if (manifest.Files.FirstOrDefault(f => f.Role == role) is { } file) return DatasetLocalPath(folder, file);
        if (manifest.Files.Any(f => f.Role.StartsWith(role + "/", StringComparison.Ordinal))) return Inside(folder, BlobKey.Sanitize(role));
        throw new InvalidDataException($"staged dataset {manifest.Fingerprint}: no file for role '{role}'");
    }

    private static string CheckpointPath(string folder, StagedManifest manifest, string role) =>
        manifest.Files.FirstOrDefault(f => f.Role == role) is { } file
            ? CheckpointLocalPath(folder, file)
            : throw new InvalidDataException($"staged checkpoint {manifest.Fingerprint}: no file for role '{role}'");

    private static string Single(List<(string Kind, string Fingerprint, string Role)> staged, string kind, string what)
    {
        var fingerprints = staged.Select(s => (s.Kind, s.Fingerprint)).Distinct().ToList();
        return fingerprints is [var only] && only.Kind == kind
            ? only.Fingerprint
            : throw new InvalidDataException($"{what}: its files are staged under {fingerprints.Count} fingerprints; expected one {kind} fingerprint");
    }

    private void Verify(string kind, string fingerprint, Func<string?> compute, string what)
    {
        var key = $"{kind}/{fingerprint}";
        if (_verified.ContainsKey(key)) return;
        var actual = compute();
        if (actual != fingerprint)
        {
            // Drop the copy: the next use fetches it again rather than trusting it.
            _fetched.TryRemove(key, out _);
            TryDelete(Path.Combine(CacheFolder, kind, fingerprint));
            throw new InvalidDataException($"{what}: the staged copy in {CacheFolder} has fingerprint {actual}, not {fingerprint}; it was deleted and is fetched again on the next try");
        }
        _verified[key] = true;
    }

    private (string Folder, StagedManifest Manifest) Fetch(string kind, string fingerprint, CancellationToken cancellationToken)
    {
        var key = $"{kind}/{fingerprint}";
        var lazy = _fetched.GetOrAdd(key, _ => new Lazy<Task<(string, StagedManifest)>>(() => FetchAsync(kind, fingerprint, CancellationToken.None)));
        try
        {
            // The loader and executor call this from the thread pool (never a grain turn): blocking here is safe.
            return lazy.Value.WaitAsync(cancellationToken).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _fetched.TryRemove(KeyValuePair.Create(key, lazy));
            throw;
        }
    }

    private async Task<(string, StagedManifest)> FetchAsync(string kind, string fingerprint, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(CacheFolder, kind, fingerprint);
        var manifestPath = Path.Combine(folder, "manifest.json");
        if (File.Exists(manifestPath)) return (folder, StagedManifest.Parse(await File.ReadAllBytesAsync(manifestPath, cancellationToken), manifestPath));

        var manifestKey = StagedBlobs.Manifest(kind, fingerprint);
        var blob = await store.TryGetAsync(manifestKey, cancellationToken)
            ?? throw new FileNotFoundException($"staged {kind} {fingerprint}: {store.Description} has no {manifestKey}; was it submitted to a cluster using another store?", manifestKey);
        var manifest = StagedManifest.Parse(blob.Bytes.Span, $"{store.Description}/{manifestKey}");
        if (manifest.Kind != kind || manifest.Fingerprint != fingerprint)
            throw new InvalidDataException($"{store.Description}/{manifestKey}: describes {manifest.Kind} {manifest.Fingerprint}");

        var partial = Path.Combine(CacheFolder, kind, $"{fingerprint}.partial-{Guid.NewGuid():N}");
        Directory.CreateDirectory(partial);
        try
        {
            for (var i = 0; i < manifest.Files.Count; i++)
            {
                var file = manifest.Files[i];
                var path = kind == StagedPath.Datasets ? DatasetLocalPath(partial, file) : CheckpointLocalPath(partial, file);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await DownloadAsync(kind, fingerprint, i, file, path, cancellationToken);
            }
            await File.WriteAllBytesAsync(Path.Combine(partial, "manifest.json"), manifest.ToJson(), cancellationToken);
            try
            {
                Directory.Move(partial, folder);
            }
            catch (IOException) when (File.Exists(manifestPath))
            {
                TryDelete(partial); // another silo on this machine finished first: same content
            }
        }
        catch
        {
            TryDelete(partial);
            throw;
        }
        LogFetched(_logger, kind, fingerprint, manifest.Files.Count, manifest.Files.Sum(f => f.Length), folder);
        return (folder, manifest);
    }

    private async Task DownloadAsync(string kind, string fingerprint, int index, StagedFile file, string path, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = 0;
        await using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            for (var part = 0; part < file.Parts; part++)
            {
                var key = StagedBlobs.Part(kind, fingerprint, index, part);
                var blob = await store.TryGetAsync(key, cancellationToken)
                    ?? throw new FileNotFoundException($"staged {kind} {fingerprint}: {store.Description} has no {key} (file '{file.Role}')", key);
                hash.AppendData(blob.Bytes.Span);
                length += blob.Bytes.Length;
                await output.WriteAsync(blob.Bytes, cancellationToken);
            }
        }
        var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        if (length != file.Length || sha != file.Sha256)
            throw new InvalidDataException($"staged {kind} {fingerprint}: file '{file.Role}' read back as {length} bytes sha256 {sha}, expected {file.Length} bytes {file.Sha256}");
    }

    /// <summary>A path under <paramref name="folder"/>; a manifest's names come from a client, so nothing may climb out.</summary>
    private static string Inside(string folder, params string[] parts)
    {
        var root = Path.GetFullPath(folder);
        var path = Path.GetFullPath(Path.Combine([root, .. parts]));
        return path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && parts.All(p => !Path.IsPathRooted(p))
            ? path
            : throw new InvalidDataException($"staged file name '{string.Join('/', parts)}' leaves its folder");
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Staged {Kind} {Fingerprint}: {Files} files ({Bytes} bytes) fetched into {Folder}")]
    private static partial void LogFetched(ILogger logger, string kind, string fingerprint, int files, long bytes, string folder);
}
