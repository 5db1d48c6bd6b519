using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AftSweep.Infra.Journal;
using AftSweep.Infra.Json;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Storage;

namespace AftSweep.Infra.Orleans;

/// <summary>
/// Durable grain storage in a local folder for the embedded default. Every write appends the state, in a versioned
/// JSON envelope, to the folder's segment journal (root/journal, see <see cref="SegmentJournal"/>): writes of many
/// grains are group-committed (one write, one optional fsync per batch) and acknowledged only once on disk; a torn
/// tail after a crash is detected by its checksum and ignored, so a crash leaves the old or the new state, never a torn
/// one. The ETag is the state's content version (1, 2, ...), checked on every write, so a duplicate activation cannot
/// overwrite a newer state. States written by earlier versions (one JSON file per grain, root/stateName/type/key.json)
/// are still read, and superseded by the first journal write. Several silos of one machine may share the folder.
/// </summary>
public sealed partial class FileGrainStorage(string name, FileGrainStorageOptions options, ILogger<FileGrainStorage> logger) : IGrainStorage
{
    private const int EnvelopeSchema = 1;
    public const string JournalFolder = "journal";

    // Process-wide striped locks: in-process silos (tests, bench, embedded) share the journal through them.
    private static readonly SemaphoreSlim[] Stripes = Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    private readonly string _root = Path.GetFullPath(options.RootDirectory);
    private readonly SegmentJournal _journal = SegmentJournal.Shared(Path.Combine(Path.GetFullPath(options.RootDirectory), JournalFolder), options.FlushToDisk);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = KeyOf(stateName, grainId);
        var gate = GateFor(key);
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            Envelope<T>? envelope;
            var latest = _journal.Get(key);
            if (latest is not null)
                envelope = latest.Deleted ? null : Parse<T>(latest.Payload, $"{_journal.Directory} (state '{stateName}' of {grainId}, version {latest.Version})");
            else
                envelope = ReadEnvelope<T>(PathFor(stateName, grainId));
            if (envelope is null)
            {
                grainState.RecordExists = false;
                grainState.ETag = null;
                return;
            }
            grainState.State = envelope.State ?? grainState.State;
            grainState.ETag = EtagOf(envelope.Version);
            grainState.RecordExists = true;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = KeyOf(stateName, grainId);
        var gate = GateFor(key);
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var (current, last) = CurrentVersion(stateName, grainId, key);
            CheckEtag(stateName, grainId, grainState.ETag, current);
            var next = last + 1;
            var bytes = JsonSerializer.SerializeToUtf8Bytes(new Envelope<T>(EnvelopeSchema, next, typeof(T).FullName ?? typeof(T).Name, grainState.State!), StoreJson.Compact);
            await _journal.AppendAsync(JournalOp.Put, key, next, bytes).ConfigureAwait(false);
            grainState.ETag = EtagOf(next);
            grainState.RecordExists = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(logger, e, name, grainId.ToString(), _journal.Directory);
            throw;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = KeyOf(stateName, grainId);
        var gate = GateFor(key);
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var (current, last) = CurrentVersion(stateName, grainId, key);
            CheckEtag(stateName, grainId, grainState.ETag, current);
            // The tombstone outranks every earlier version; the next write starts above it with no ETag expected.
            await _journal.AppendAsync(JournalOp.Delete, key, last + 1, []).ConfigureAwait(false);
            var legacy = PathFor(stateName, grainId);
            if (File.Exists(legacy)) File.Delete(legacy);
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The version a write must match (0 = none) and the highest version ever used (tombstones included).</summary>
    private (long Current, long Last) CurrentVersion(string stateName, GrainId grainId, string key)
    {
        if (_journal.Peek(key) is { } latest) return (latest.Op == JournalOp.Delete ? 0 : latest.Version, latest.Version);
        var legacy = ReadVersion(PathFor(stateName, grainId));
        return (legacy, legacy);
    }

    private static string KeyOf(string stateName, GrainId grainId) => $"{stateName}/{grainId}";

    /// <summary>The per-grain file of earlier versions (read, never written): root/stateName/grainType/key.json; keys that are not plain file names are hashed.</summary>
    public string PathFor(string stateName, GrainId grainId)
    {
        var key = grainId.Key.ToString();
        var safe = key.Length is > 0 and <= 120 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && key[0] != '.'
            ? key
            : "h-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        return Path.Combine(_root, Sanitise(stateName), Sanitise(grainId.Type.ToString() ?? "grain"), safe + ".json");
    }

    private static string Sanitise(string part) =>
        new(part.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());

    private void CheckEtag(string stateName, GrainId grainId, string? etag, long current)
    {
        var expected = current == 0 ? null : EtagOf(current);
        if (!string.Equals(etag, expected, StringComparison.Ordinal))
        {
            throw new InconsistentStateException(
                $"grain storage '{name}': state '{stateName}' of {grainId} is at version {expected ?? "none"}, the write expected {etag ?? "none"} (another activation wrote it)",
                expected ?? "none", etag ?? "none");
        }
    }

    private Envelope<T>? ReadEnvelope<T>(string path)
    {
        // New grains are the common case: a stat is far cheaper than a FileNotFoundException.
        if (!File.Exists(path)) return null;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        return Parse<T>(bytes, path);
    }

    private Envelope<T> Parse<T>(byte[] bytes, string source)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<Envelope<T>>(bytes, StoreJson.Compact)
                ?? throw new JsonException("empty document");
            if (envelope.Schema != EnvelopeSchema)
                throw new JsonException($"envelope schema {envelope.Schema}, this build reads {EnvelopeSchema}");
            return envelope;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"grain storage '{name}': {source} is not a valid grain state: {e.Message}", e);
        }
    }

    private long ReadVersion(string path)
    {
        if (!File.Exists(path)) return 0;
        try
        {
            var bytes = File.ReadAllBytes(path);
            var reader = new Utf8JsonReader(bytes);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("version"u8))
                {
                    reader.Read();
                    return reader.GetInt64();
                }
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth > 1) reader.Skip();
            }
            throw new InvalidDataException($"grain storage '{name}': {path} has no version");
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
        catch (DirectoryNotFoundException)
        {
            return 0;
        }
    }

    private static string EtagOf(long version) => version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static SemaphoreSlim GateFor(string key) =>
        Stripes[(StringComparer.Ordinal.GetHashCode(key) & int.MaxValue) % Stripes.Length];

    private sealed record Envelope<T>(int Schema, long Version, string Type, T State);

    [LoggerMessage(Level = LogLevel.Error, Message = "Grain storage {Storage}: writing {GrainId} to the journal in {Path} failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception e, string storage, string grainId, string path);
}
