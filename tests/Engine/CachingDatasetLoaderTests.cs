using AftSweep.Contracts.Grid;
using AftSweep.Tests.Infrastructure;
using AftSweep.Transfer.Data;
using AftSweep.Workers.Engine;
using Xunit;

namespace AftSweep.Tests.Engine;

public sealed class CachingDatasetLoaderTests
{
    private sealed class CountingLoader : IDatasetLoader
    {
        private readonly DatasetLoader _inner = new();
        public int Loads;

        public LoadedDataset Load(DatasetSpec spec, int splitSeed = SelectionSpec.DefaultSplitSeed, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Loads);
            return _inner.Load(spec, splitSeed, cancellationToken);
        }
    }

    private static DatasetSpec Spec(string train, string test) => new()
    {
        Name = "csv",
        Kind = DatasetKind.Vectors,
        Format = DatasetFormat.Csv,
        Train = new SplitSource { Files = [train] },
        Test = new SplitSource { Files = [test] },
        Header = false,
        Label = new ColumnRef(null, 2),
    };

    [Fact]
    public void Load_SameSpecAndSeed_ReadsOnce_AndEditedFileOrOtherSeedReadsAgain()
    {
        using var temp = new TempDirectory();
        var train = temp.Sub("train.csv");
        var test = temp.Sub("test.csv");
        File.WriteAllText(train, "0.1,0.2,a\n0.3,0.4,b\n");
        File.WriteAllText(test, "0.5,0.6,a\n0.7,0.8,b\n");
        var counting = new CountingLoader();
        var loader = new CachingDatasetLoader(counting, capacity: 2);
        var spec = Spec(train, test);

        var first = loader.Load(spec, 42);
        var second = loader.Load(Spec(train, test), 42);
        Assert.Same(first, second);
        Assert.Equal(1, counting.Loads);

        loader.Load(spec, 7);
        Assert.Equal(2, counting.Loads);

        File.WriteAllText(train, "0.1,0.2,a\n0.3,0.4,b\n0.9,0.9,a\n");
        File.SetLastWriteTimeUtc(train, DateTime.UtcNow.AddMinutes(1));
        var edited = loader.Load(spec, 42);
        Assert.Equal(3, counting.Loads);
        Assert.Equal(3, edited.Train.Rows);
        Assert.Equal(2, loader.Count); // bounded: the oldest entry went
    }

    [Fact]
    public void Load_FailedRead_IsNotKept()
    {
        using var temp = new TempDirectory();
        var counting = new CountingLoader();
        var loader = new CachingDatasetLoader(counting);
        var spec = Spec(temp.Sub("missing.csv"), temp.Sub("missing-test.csv"));

        Assert.ThrowsAny<Exception>(() => loader.Load(spec, 42));
        Assert.ThrowsAny<Exception>(() => loader.Load(spec, 42));
        Assert.Equal(2, counting.Loads);
        Assert.Equal(0, loader.Count);
    }
}
