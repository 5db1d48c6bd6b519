using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Data.Npy;

namespace AftSweep.Tests.Data;

public sealed class NpyLoaderTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    internal static DatasetSpec Vectors(string trainX, string trainY, string testX, string testY) => new()
    {
        Name = "vec",
        Kind = DatasetKind.Vectors,
        Format = DatasetFormat.Npy,
        Train = new SplitSource { X = trainX, Y = trainY },
        Test = new SplitSource { X = testX, Y = testY },
    };

    [Fact]
    public void Npy_Float32AndInt64_RoundTripExactly()
    {
        var x = Enumerable.Range(0, 12).Select(i => i * 0.25f - 1).ToArray();
        var trainX = _files.PathOf("train_x.npy");
        NpyFile.WriteFloat32Matrix(trainX, 4, 3, x);
        var trainY = _files.PathOf("train_y.npy");
        NpyFile.WriteInt64Vector(trainY, [1, 0, 1, 2]);

        var data = new DatasetLoader().Load(Vectors(trainX, trainY, trainX, trainY));

        Assert.Equal(3, data.Train.Vectors!.Dim);
        Assert.Equal(x, data.Train.Vectors.Values);
        Assert.Equal([1, 0, 1, 2], data.Train.Labels);
        Assert.Equal(3, data.NumClasses);
    }

    [Fact]
    public void NpyHeader_WrittenByNumpyStyleV1_ParsesDescrShapeAndAlignment()
    {
        var header = NpyHeader.Format("<f4", [7, 5]);
        var parsed = NpyHeader.Parse(header, "x.npy");

        Assert.Equal(0, header.Length % 64);
        Assert.Equal(("<f4", false), (parsed.Descr, parsed.FortranOrder));
        Assert.Equal([7L, 5L], parsed.Shape);
        Assert.Equal(header.Length, parsed.DataOffset);
    }

    [Fact]
    public void NpyUint8Labels_AreWidened()
    {
        var trainX = _files.PathOf("x.npy");
        NpyFile.WriteFloat32Matrix(trainX, 2, 1, [1f, 2f]);
        var header = NpyHeader.Format("|u1", [2]);
        var y = _files.Write("y.npy", header.Concat(new byte[] { 3, 0 }).ToArray());

        var data = new DatasetLoader().Load(Vectors(trainX, y, trainX, y));

        Assert.Equal([3, 0], data.Train.Labels);
    }
}
