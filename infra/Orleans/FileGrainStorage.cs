using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AftSweep.Infra.Json;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Storage;

namespace AftSweep.Infra.Orleans;

/// <summary>
/// Durable grain storage in a local folder for the embedded default: one JSON file per grain state, replaced
/// atomically (temp file + rename), so a crash leaves either the old or the new state, never a torn one.
/// The ETag is the state's content version (1, 2, ...), stored in the file and checked on every write, so a
/// duplicate activation cannot overwrite a newer state. Several silos of one machine may share the folder.
/// </summary>
public sealed partial class FileGrainStorage(string name, FileGrainStorageOptions options, ILogger<FileGrainStorage> logger) : IGrainStorage
{
    private const int EnvelopeSchema = 1;

    // Process-wide striped locks: in-process silos (tests, bench, embedded) share files through them.
    private static readonly SemaphoreSlim[] Stripes = Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    private readonly string _root = Path.GetFullPath(options.RootDirectory);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathFor(stateName, grainId);
        var gate = GateFor(path);
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var envelope = ReadEnvelope<T>(path);
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
        var path = PathFor(stateName, grainId);
        var gate = GateFor(path);
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var current = ReadVersion(path);
            CheckEtag(stateName, grainId, grainState.ETag, current);
            var next = current + 1;
            var bytes = JsonSerializer.SerializeToUtf8Bytes(new Envelope<T>(EnvelopeSchema, next, typeof(T).FullName ?? typeof(T).Name, grainState.State!), StoreJson.Compact);
            if (options.FlushToDisk)
                await Task.Run(() => AtomicFile.Write(path, bytes, flush: true)).ConfigureAwait(false);
            else
                AtomicFile.Write(path, bytes, flush: false);
            grainState.ETag = EtagOf(next);
            grainState.RecordExists = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(logger, e, name, grainId.ToString(), path);
            throw;
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathFor(stateName, grainId);
        var gate = GateFor(path);
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            CheckEtag(stateName, grainId, grainState.ETag, ReadVersion(path));
            File.Delete(path);
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>root/stateName/grainType/key.json; keys that are not plain file names are hashed.</summary>
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
            throw new InvalidDataException($"grain storage '{name}': {path} is not a valid grain state file: {e.Message}", e);
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

    private static SemaphoreSlim GateFor(string path) =>
        Stripes[(StringComparer.Ordinal.GetHashCode(path) & int.MaxValue) % Stripes.Length];

    private sealed record Envelope<T>(int Schema, long Version, string Type, T State);

    [LoggerMessage(Level = LogLevel.Error, Message = "Grain storage {Storage}: writing {GrainId} to {Path} failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception e, string storage, string grainId, string path);
}
