using System.Text.Json;
using AftSweep.Contracts.Trials;
using AftSweep.Infra.Records;

namespace AftSweep.Infra.Database.Legacy;

/// <summary>
/// A state folder as AftSweep kept it before the state database: grain state in grains/journal/*.seg (a versioned JSON
/// envelope per write, keyed "stateName/grainId") and, from still earlier versions, one envelope file per grain
/// (grains/stateName/grainType/key.json); records in records/sweepId/*.seg (keyed by trial id) and, earlier,
/// records/sweepId/trialId.json. A journal frame supersedes the file of the same key; a deletion frame removes it.
/// </summary>
public sealed class LegacyStateFolder(string folder)
{
    public const string JournalFolder = "journal";

    public string Folder { get; } = Path.GetFullPath(folder);
    public string GrainsFolder => Path.Combine(Folder, "grains");
    public string RecordsFolder => Path.Combine(Folder, "records");

    /// <summary>True when the folder holds grain state or records in the legacy layout.</summary>
    public bool Exists => HasFiles(GrainsFolder) || HasFiles(RecordsFolder);

    /// <summary>Every live grain state: latest journal frame, else the per-grain file of older versions.</summary>
    /// <param name="skipped">Files whose grain key cannot be recovered (earlier versions stored long or unusual keys under a hash).</param>
    public IReadOnlyList<LegacyGrainState> GrainStates(out IReadOnlyList<string> skipped)
    {
        var journal = Path.Combine(GrainsFolder, JournalFolder);
        var frames = LegacySegmentFile.Latest(journal);
        var states = new Dictionary<string, LegacyGrainState>(StringComparer.Ordinal);
        foreach (var (key, frame) in frames)
        {
            if (frame.Deleted) continue;
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0) continue;
            states[key] = Parse(key[..slash], key[(slash + 1)..], frame.Payload, $"{journal} (key {key}, version {frame.Version})");
        }
        var unrecoverable = new List<string>();
        if (Directory.Exists(GrainsFolder))
        {
            foreach (var path in Directory.EnumerateFiles(GrainsFolder, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var relative = Path.GetRelativePath(GrainsFolder, path).Split(Path.DirectorySeparatorChar);
                if (relative.Length != 3 || relative[0] == JournalFolder) continue;
                var grainKey = Path.GetFileNameWithoutExtension(path);
                if (grainKey.StartsWith("h-", StringComparison.Ordinal) && grainKey.Length == 66)
                {
                    unrecoverable.Add(path);
                    continue;
                }
                var (stateName, grainId) = (relative[0], $"{relative[1]}/{grainKey}");
                var key = $"{stateName}/{grainId}";
                // The journal supersedes the file, a deletion frame included.
                if (frames.ContainsKey(key)) continue;
                states[key] = Parse(stateName, grainId, File.ReadAllBytes(path), path);
            }
        }
        skipped = unrecoverable;
        return states.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Value).ToList();
    }

    /// <summary>Every live record of every sweep folder: latest journal frame, else the record file of older versions.</summary>
    public IReadOnlyList<TrialRecord> Records()
    {
        var records = new List<TrialRecord>();
        if (!Directory.Exists(RecordsFolder)) return records;
        foreach (var sweepFolder in Directory.EnumerateDirectories(RecordsFolder).Order(StringComparer.Ordinal))
        {
            var frames = LegacySegmentFile.Latest(sweepFolder);
            var bySweep = new SortedDictionary<string, TrialRecord>(StringComparer.Ordinal);
            foreach (var path in Directory.EnumerateFiles(sweepFolder, "*.json"))
            {
                var trialId = Path.GetFileNameWithoutExtension(path);
                if (frames.ContainsKey(trialId)) continue;
                bySweep[trialId] = RecordJson.Deserialize(File.ReadAllBytes(path), path);
            }
            foreach (var (trialId, frame) in frames)
            {
                if (!frame.Deleted) bySweep[trialId] = RecordJson.Deserialize(frame.Payload, $"{sweepFolder} (journal, trial {trialId})");
            }
            records.AddRange(bySweep.Values);
        }
        return records;
    }

    /// <summary>The live records of one sweep's journal folder (records/sweepId), read without importing anything.</summary>
    public static IReadOnlyList<TrialRecord> JournalRecords(string sweepFolder) =>
        LegacySegmentFile.Latest(sweepFolder).Where(kv => !kv.Value.Deleted).OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => RecordJson.Deserialize(kv.Value.Payload, $"{sweepFolder} (journal, trial {kv.Key})")).ToList();

    private static bool HasFiles(string folder) =>
        Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Any(f => f.EndsWith(LegacySegmentFile.Extension, StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal));

    /// <summary>The envelope {schema: 1, version, type, state} of a grain state write.</summary>
    private static LegacyGrainState Parse(string stateName, string grainId, byte[] envelope, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(envelope);
            var root = document.RootElement;
            if (!root.TryGetProperty("schema", out var schema) || schema.GetInt32() != 1)
                throw new InvalidDataException($"{source}: grain state envelope of an unknown schema");
            return new LegacyGrainState(
                stateName, grainId,
                root.GetProperty("version").GetInt64(),
                root.TryGetProperty("type", out var type) ? type.GetString() ?? "" : "",
                root.GetProperty("state").GetRawText());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{source}: not a readable grain state ({e.Message})", e);
        }
    }
}

/// <summary>A grain state of a legacy folder: its key, the version its ETag had, and the state's JSON.</summary>
public sealed record LegacyGrainState(string StateName, string GrainId, long Version, string GrainType, string StateJson);
