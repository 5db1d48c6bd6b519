using AftSweep.Contracts.Grid;
using AftSweep.Tests.Data;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Data.Npy;
using AftSweep.Transfer.Teachers;

namespace AftSweep.Tests.Teachers;

/// <summary>features:DIR and noise:D, the teachers that run no model.</summary>
public sealed class StandInTeacherTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>A 20-row train split (labels 0/1 alternating, text "row i"), 4-row test; optionally limited.</summary>
    private LoadedDataset Dataset(int? trainLimit = null)
    {
        var train = _files.Write("data/train.tsv", "s\tl\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"row {i}\t{i % 2}\n")));
        var test = _files.Write("data/test.tsv", "s\tl\n" + string.Concat(Enumerable.Range(0, 4).Select(i => $"t{i}\t{i % 2}\n")));
        return new DatasetLoader().Load(new DatasetSpec
        {
            Name = "rows", Kind = DatasetKind.Text, Format = DatasetFormat.Tsv,
            Train = new SplitSource { Files = [train] }, Test = new SplitSource { Files = [test] },
            Text = [ColumnRef.Named("s")], Label = ColumnRef.Named("l"), Limit = new SplitLimit(trainLimit, null),
        });
    }

    /// <summary>features/{train,test}.npy where row i's features are [i, 100 + i, 200 + i].</summary>
    private void WriteFeatures(int trainRows, int testRows, string trainDescr = NpyFile.Float32)
    {
        static float[] Rows(int n) => Enumerable.Range(0, n).SelectMany(i => new[] { i, 100f + i, 200f + i }).ToArray();
        if (trainDescr == NpyFile.Float32) NpyFile.WriteFloat32Matrix(_files.PathOf("features/train.npy"), trainRows, 3, Rows(trainRows));
        else _files.Write("features/train.npy", NpyHeader.Format(trainDescr, [trainRows, 3]).Concat(new byte[trainRows * 3 * 8]).ToArray());
        NpyFile.WriteFloat32Matrix(_files.PathOf("features/test.npy"), testRows, 3, Rows(testRows));
    }

    [Fact]
    public async Task Features_LimitedSplit_PicksEachRowsSourceFeatures()
    {
        WriteFeatures(20, 4);
        var data = Dataset(trainLimit: 6);
        using var teacher = new TeacherFactory().Create("features:features", _files.Root);

        var f = await teacher.ExtractAsync(data, SplitName.Train, 1, 4, null, CancellationToken.None);

        Assert.Equal(3, teacher.Dim);
        for (var i = 0; i < 4; i++)
        {
            var source = data.Train.SourceRow(1 + i);
            Assert.Equal($"row {source}", data.Train.Texts![1 + i]);
            Assert.Equal(new[] { source, 100f + source, 200f + source }, f.Data[(3 * i)..(3 * i + 3)]);
        }
    }

    [Fact]
    public async Task Features_WrongRowCount_NamesFileAndExpectedRows()
    {
        WriteFeatures(19, 4);
        using var teacher = new TeacherFactory().Create("features:features", _files.Root);

        var e = await Assert.ThrowsAsync<DatasetException>(() =>
            teacher.ExtractAsync(Dataset(), SplitName.Train, 0, 20, null, CancellationToken.None));

        Assert.EndsWith("train.npy", e.File);
        Assert.Contains("has 19 rows: expected 20, one per row of dataset 'rows''s train split", e.Message);
    }

    [Fact]
    public void Features_Float64File_IsRefusedWithExpectedDtype()
    {
        WriteFeatures(20, 4, trainDescr: "<f8");

        var e = Assert.Throws<DatasetException>(() => new TeacherFactory().Create("features:features", _files.Root));

        Assert.Contains("dtype is '<f8': expected float32 ('<f4')", e.Message);
    }

    [Fact]
    public async Task Noise_IsStandardNormalDeterministicPerRowAndDiffersBySplitAndSeed()
    {
        var data = Dataset();
        var factory = new TeacherFactory();
        using var noise = factory.Create("noise:384", ".");
        using var seeded = factory.Create("noise:384?seed=5", ".");

        var all = await noise.ExtractAsync(data, SplitName.Train, 0, 20, null, CancellationToken.None);
        var shard = await noise.ExtractAsync(data, SplitName.Train, 7, 3, null, CancellationToken.None);
        var test = await noise.ExtractAsync(data, SplitName.Test, 0, 4, null, CancellationToken.None);
        var other = await seeded.ExtractAsync(data, SplitName.Train, 0, 20, null, CancellationToken.None);

        Assert.Equal(all.Data.AsSpan(7 * 384, 3 * 384).ToArray(), shard.Data);
        Assert.NotEqual(all.Data[..384], test.Data[..384]);
        Assert.NotEqual(all.Data[..384], other.Data[..384]);
        Assert.NotEqual(noise.Identity, seeded.Identity);
        var mean = all.Data.Average(v => (double)v);
        var variance = all.Data.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, -0.05, 0.05);
        Assert.InRange(variance, 0.93, 1.07);
    }

    [Theory]
    [InlineData("noise:0", "noise teacher must be noise:D with D an integer from 1 to 1000000 (got 'noise:0')")]
    [InlineData("noise:abc", "noise teacher must be noise:D with D an integer from 1 to 1000000 (got 'noise:abc')")]
    [InlineData("noise:8?sead=1", "noise teacher must be noise:D or noise:D?seed=S with S an integer")]
    [InlineData("onnx:bert", "unknown built-in model 'bert'")]
    [InlineData("torch:resnet50", "unknown teacher spec 'torch:resnet50'")]
    [InlineData("features:", "features: needs a folder")]
    public void Factory_MalformedSpec_NamesSpecAndExpectation(string spec, string expected)
    {
        var e = Assert.Throws<TeacherException>(() => new TeacherFactory().Create(spec, _files.Root));

        Assert.Contains(expected, e.Message);
        Assert.StartsWith($"teacher '{spec}': ", e.Message);
    }

    [Fact]
    public void Factory_MissingFeaturesFolder_NamesTheCanonicalSpecAndTheFolder()
    {
        var e = Assert.Throws<TeacherException>(() => new TeacherFactory().Create("features:nowhere", _files.Root));

        Assert.Contains("nowhere not found", e.Message);
        Assert.Equal($"features:{Path.Combine(Path.GetFullPath(_files.Root), "nowhere")}", e.Spec);
    }
}
