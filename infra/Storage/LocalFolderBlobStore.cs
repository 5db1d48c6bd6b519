using System.Runtime.CompilerServices;
using AftSweep.Contracts.Storage;

namespace AftSweep.Infra.Storage;

/// <summary>
/// The embedded default store: one file per key under a root folder. Writes go to a temp file in the target's
/// folder, are flushed to disk, then renamed into place, so a reader never sees a half-written blob and a crash
/// leaves at most a stray <c>*.aftsweep-tmp</c> file. Keys are validated by <see cref="BlobKey"/> and the
/// resolved path is checked to lie under the root. The ETag is the file's modification time and length, read
/// from the same handle as the bytes. If-match writes are serialised within this process (one store per
/// process per folder is the supported use; the cluster uses Azure, where the service enforces conditions).
/// </summary>
public sealed class LocalFolderBlobStore : IBlobStore
{
    public const string TempSuffix = ".aftsweep-tmp";
    private readonly string _root;
    private readonly string _rootWithSeparator;
    private readonly SemaphoreSlim _conditionalWrites = new(1, 1);

    public LocalFolderBlobStore(string rootDirectory)
    {
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootDirectory));
        _rootWithSeparator = _root + Path.DirectorySeparatorChar;
        Description = "local:" + _root;
    }

    public string Root => _root;
    public string Description { get; }

    public async Task<BlobContent?> TryGetAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.Asynchronous);
            var length = RandomAccess.GetLength(handle);
            var etag = ETagOf(handle, length);
            var bytes = new byte[length];
            var read = 0;
            while (read < length)
            {
                var n = await RandomAccess.ReadAsync(handle, bytes.AsMemory(read), read, cancellationToken).ConfigureAwait(false);
                if (n == 0) throw new IOException($"{path} shrank while being read");
                read += n;
            }
            return new BlobContent(bytes, etag);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public Task<BlobReadStream?> TryOpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            var stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read | FileShare.Delete,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan, BufferSize = 0,
            });
            var length = RandomAccess.GetLength(stream.SafeFileHandle);
            return Task.FromResult<BlobReadStream?>(new BlobReadStream(stream, length, ETagOf(stream.SafeFileHandle, length)));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<BlobReadStream?>(null);
        }
    }

    public Task<BlobEntry?> TryGetPropertiesAsync(string key, CancellationToken cancellationToken = default)
    {
        var info = new FileInfo(PathOf(key));
        return Task.FromResult(info.Exists ? new BlobEntry(key, info.Length, ETagOf(info.LastWriteTimeUtc, info.Length), info.LastWriteTimeUtc) : null);
    }

    public async Task<string?> TryPutAsync(string key, ReadOnlyMemory<byte> content, BlobCondition condition, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}{TempSuffix}";
        try
        {
            string etag;
            using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.Asynchronous))
            {
                await RandomAccess.WriteAsync(handle, content, 0, cancellationToken).ConfigureAwait(false);
                RandomAccess.FlushToDisk(handle);
                etag = ETagOf(handle, content.Length);
            }
            switch (condition.Kind)
            {
                case BlobConditionKind.None:
                    File.Move(temp, path, overwrite: true);
                    return etag;
                case BlobConditionKind.IfAbsent:
                    try
                    {
                        File.Move(temp, path, overwrite: false); // fails rather than replace: create-only
                        return etag;
                    }
                    catch (IOException) when (File.Exists(path))
                    {
                        return null;
                    }
                default:
                    await _conditionalWrites.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        var info = new FileInfo(path);
                        if (!info.Exists || ETagOf(info.LastWriteTimeUtc, info.Length) != condition.ETag) return null;
                        File.Move(temp, path, overwrite: true);
                        return etag;
                    }
                    finally
                    {
                        _conditionalWrites.Release();
                    }
            }
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public async IAsyncEnumerable<BlobEntry> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        BlobKey.ValidatePrefix(prefix);
        // Start from the deepest folder the prefix names, so listing one feature set does not walk the store.
        var lastSlash = prefix.LastIndexOf('/');
        var start = lastSlash < 0 ? _root : Path.Combine(_root, prefix[..lastSlash].Replace('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(start)) yield break;
        var files = Directory.EnumerateFiles(start, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true });
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (file.EndsWith(TempSuffix, StringComparison.Ordinal)) continue;
            var key = Path.GetRelativePath(_root, file).Replace(Path.DirectorySeparatorChar, '/');
            if (!key.StartsWith(prefix, StringComparison.Ordinal) || !BlobKey.IsValid(key, out _)) continue;
            var info = new FileInfo(file);
            if (!info.Exists) continue; // deleted while listing
            yield return new BlobEntry(key, info.Length, ETagOf(info.LastWriteTimeUtc, info.Length), info.LastWriteTimeUtc);
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        if (!File.Exists(path)) return Task.FromResult(false);
        File.Delete(path);
        return Task.FromResult(true);
    }

    /// <summary>The file a key maps to; throws for a key that is invalid or would resolve outside the root.</summary>
    public string PathOf(string key)
    {
        BlobKey.Validate(key);
        var path = Path.GetFullPath(Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar)));
        if (!path.StartsWith(_rootWithSeparator, StringComparison.Ordinal))
            throw new ArgumentException($"blob key '{key}' resolves outside the store root {_root}", nameof(key));
        return path;
    }

    private static string ETagOf(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long length) =>
        ETagOf(File.GetLastWriteTimeUtc(handle), length);

    private static string ETagOf(DateTime lastWriteUtc, long length) => $"\"{lastWriteUtc.Ticks:x}-{length:x}\"";
}
