using AftSweep.Contracts.Grid;
using AftSweep.Tests.Data;
using AftSweep.Tests.Grid;
using AftSweep.Transfer.Data;

namespace AftSweep.Tests.Checkpoints;

/// <summary>The real data the exactness tests run on, class-balanced subsets of examples/data.</summary>
internal static class CheckpointTestData
{
    /// <summary>The quickstart grid's SST-2 template: what the sentence teachers see.</summary>
    public const string Sst2Template = "Review: \"{sentence}\"\n Sentiment:";

    public static LoadedDataset Sst2(int rows) => new DatasetLoader().Load(new DatasetSpec
    {
        Name = "sst2",
        Kind = DatasetKind.Text,
        Format = DatasetFormat.Tsv,
        Train = new SplitSource { Files = [Path.Combine(TestPaths.Examples, "data", "sst2", "train.tsv")] },
        Test = new SplitSource { Files = [Path.Combine(TestPaths.Examples, "data", "sst2", "test.tsv")] },
        Header = true,
        Text = [ColumnRef.Named("sentence")],
        Label = ColumnRef.Named("label"),
        Template = Sst2Template,
        Limit = new SplitLimit(rows, 2),
    });

    /// <summary>Real CIFAR-10 test images (32x32 JPEG), a class-balanced subset of the first chunk.</summary>
    public static LoadedDataset Cifar10(int rows)
    {
        var chunk = Path.Combine(TestPaths.Examples, "data", "cifar10", "test_00.tar.gz");
        return new DatasetLoader().Load(ImageLoaderTests.Images(DatasetFormat.ImageTar,
            new SplitSource { Files = [chunk] }, new SplitSource { Files = [chunk] }, new SplitLimit(2, rows)));
    }
}
