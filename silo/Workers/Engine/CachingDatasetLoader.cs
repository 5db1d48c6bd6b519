using System.Text.Json;
using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Data;

namespace AftSweep.Workers.Engine;

/// <summary>
/// Keeps the last few loaded datasets so a worker does not re-read, re-decode and re-hash the dataset for every trial
/// of a sweep. The key is the dataset block, the split seed and each source file's length and write time, so an
/// edited file is read again. Concurrent loads of one key share one read; a failed load is not kept.
/// </summary>
public sealed class CachingDatasetLoader(IDatasetLoader inner, int capacity = EngineOptions.DefaultDatasetCacheEntries) : IDatasetLoader
{
    private readonly Lock _gate = new();
    // Most recently used last; small (a sweep has one dataset), so a list is enough.
    private readonly List<(string Key, Lazy<LoadedDataset> Value)> _entries = [];

    public LoadedDataset Load(DatasetSpec spec, int splitSeed = SelectionSpec.DefaultSplitSeed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (capacity == 0) return inner.Load(spec, splitSeed, cancellationToken);
        var key = KeyOf(spec, splitSeed);
        Lazy<LoadedDataset> entry;
        lock (_gate)
        {
            var index = _entries.FindIndex(e => e.Key == key);
            if (index >= 0)
            {
                entry = _entries[index].Value;
                _entries.RemoveAt(index);
            }
            else
            {
                // The first caller's token governs the shared read; a cancelled read is dropped below, not kept.
                entry = new Lazy<LoadedDataset>(() => inner.Load(spec, splitSeed, cancellationToken), LazyThreadSafetyMode.ExecutionAndPublication);
            }
            _entries.Add((key, entry));
            while (_entries.Count > capacity) _entries.RemoveAt(0);
        }

        try
        {
            return entry.Value;
        }
        catch
        {
            lock (_gate) _entries.RemoveAll(e => ReferenceEquals(e.Value, entry));
            throw;
        }
    }

    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    private static string KeyOf(DatasetSpec spec, int splitSeed)
    {
        var stamps = Files(spec.Train).Concat(Files(spec.Test)).Select(Stamp);
        return $"{splitSeed}\n{JsonSerializer.Serialize(spec)}\n{string.Join("\n", stamps)}";
    }

    private static IEnumerable<string> Files(SplitSource source) =>
        source.Files.Concat(new[] { source.Images, source.Labels, source.X, source.Y }.OfType<string>());

    private static string Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? $"{path}|{info.Length}|{info.LastWriteTimeUtc.Ticks}" : $"{path}|missing";
    }
}
