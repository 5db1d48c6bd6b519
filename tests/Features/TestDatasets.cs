using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Data;

namespace AftSweep.Tests.Features;

/// <summary>Small in-memory datasets (vectors) with a chosen fingerprint.</summary>
public static class TestDatasets
{
    public static LoadedDataset Vectors(int trainRows, int testRows, string fingerprint = "fp-test-0001", string name = "tiny")
    {
        static LabeledSplit Split(int rows) => new()
        {
            Labels = Enumerable.Range(0, rows).Select(i => i % 2).ToArray(),
            Vectors = new VectorBatch { Dim = 2, Values = Enumerable.Range(0, rows * 2).Select(i => (float)i).ToArray() },
        };
        return new LoadedDataset
        {
            Spec = new DatasetSpec
            {
                Name = name, Kind = DatasetKind.Vectors, Format = DatasetFormat.Npy,
                Train = new SplitSource { X = "/data/train_x.npy", Y = "/data/train_y.npy" },
                Test = new SplitSource { X = "/data/test_x.npy", Y = "/data/test_y.npy" },
            },
            Fingerprint = fingerprint,
            Train = Split(trainRows),
            Test = Split(testRows),
            ClassNames = ["0", "1"],
        };
    }
}
