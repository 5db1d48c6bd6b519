using System.Diagnostics.Metrics;
using AftSweep.Infra.Storage;
using AftSweep.Tests.Infrastructure;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Features;

namespace AftSweep.Tests.Features;

public sealed class FeatureMetricsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task FeatureStore_Meter_PublishesExtractionCacheAndByteCounters()
    {
        var dataset = TestDatasets.Vectors(100, 10);
        using var store = new FeatureStore(new LocalFolderBlobStore(_temp.Sub("s")), new NoiseTestTeacherFactory(),
            new FeatureStoreOptions { ShardRows = 40 }, new LocalFeatureCache(_temp.Sub("c")));
        var totals = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, store.Instruments.Meter)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var source = tags.ToArray().FirstOrDefault(t => t.Key == FeatureInstrumentNames.SourceTag).Value;
            lock (totals)
            {
                var name = source is null ? instrument.Name : $"{instrument.Name}/{source}";
                totals[name] = totals.GetValueOrDefault(name) + value;
            }
        });
        listener.Start();

        await store.GetAsync("noise:4", dataset, SplitName.Train, null, default); // extract: 3 shards into the cache
        await store.GetAsync("noise:4", dataset, SplitName.Test, null, default);
        store.Cache!.Remove(FeatureSetKey.ShardBlob(store.KeyFor("noise:4", dataset, SplitName.Train), 0));
        await store.GetAsync("noise:4", dataset, SplitName.Train, null, default); // two hits, one miss read from the store

        Assert.Equal(FeatureInstrumentNames.MeterName, store.Instruments.Meter.Name);
        Assert.Equal(110, totals[FeatureInstrumentNames.ExtractedRows]);
        Assert.Equal(2, totals[FeatureInstrumentNames.CacheHits]);
        Assert.Equal(1, totals[FeatureInstrumentNames.CacheMisses]);
        Assert.Equal(ShardFormat.BlobLength(40, 4) + ShardFormat.BlobLength(20, 4),
            totals[$"{FeatureInstrumentNames.BytesRead}/{FeatureInstrumentNames.SourceLocal}"]);
        Assert.Equal(ShardFormat.BlobLength(40, 4), totals[$"{FeatureInstrumentNames.BytesRead}/{FeatureInstrumentNames.SourceBlob}"]);
    }
}
