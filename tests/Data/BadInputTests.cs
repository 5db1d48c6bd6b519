using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Data.Npy;

namespace AftSweep.Tests.Data;

/// <summary>Every malformed input gets a <see cref="DatasetException"/> naming the file, the place and the expectation.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private DatasetException LoadTsv(string trainText, string label = "label", bool header = true)
    {
        var train = _files.Write("train.tsv", trainText);
        var test = _files.Write("test.tsv", "sentence\tlabel\nok\t1\n");
        var spec = new DatasetSpec
        {
            Name = "t", Kind = DatasetKind.Text, Format = DatasetFormat.Tsv,
            Train = new SplitSource { Files = [train] }, Test = new SplitSource { Files = [test] },
            Header = header, Text = [ColumnRef.Named("sentence")], Label = ColumnRef.Named(label),
        };
        return Assert.Throws<DatasetException>(() => new DatasetLoader().Load(spec));
    }

    [Fact]
    public void Tsv_RaggedRow_NamesLineAndFieldCounts()
    {
        var e = LoadTsv("sentence\tlabel\ngood\t1\nbad\t0\textra\n");

        Assert.EndsWith("train.tsv", e.File);
        Assert.Equal("line 3", e.Location);
        Assert.Contains("expected 2 fields (as in the header), found 3", e.Message);
    }

    [Fact]
    public void Tsv_EmptyFile_SaysWhatWasExpected()
    {
        var e = LoadTsv("");

        Assert.EndsWith("train.tsv", e.File);
        Assert.Contains("file is empty: expected a header row and at least one data row", e.Message);
    }

    [Fact]
    public void Tsv_HeaderOnly_SaysNoDataRows()
    {
        var e = LoadTsv("sentence\tlabel\n");

        Assert.Contains("has a header row but no data rows", e.Message);
    }

    [Fact]
    public void Tsv_LabelColumnMissing_ListsTheHeader()
    {
        var e = LoadTsv("sentence\tscore\ngood\t1\n");

        Assert.Equal("line 1", e.Location);
        Assert.Contains("dataset.label column 'label' does not exist: the header has 'sentence', 'score'", e.Message);
    }

    [Fact]
    public void Tsv_EmptyLabelCell_NamesLine()
    {
        var e = LoadTsv("sentence\tlabel\ngood\t1\nbad\t \n");

        Assert.Equal("line 3", e.Location);
        Assert.Contains("is empty: expected a label", e.Message);
    }

    [Fact]
    public void Csv_UnclosedQuote_NamesTheLineItOpensOn()
    {
        var train = _files.Write("train.csv", "s,l\n\"open,1\nx,0\n");
        var spec = new DatasetSpec
        {
            Name = "t", Kind = DatasetKind.Text, Format = DatasetFormat.Csv,
            Train = new SplitSource { Files = [train] }, Test = new SplitSource { Files = [train] },
            Text = [ColumnRef.Named("s")], Label = ColumnRef.Named("l"),
        };

        var e = Assert.Throws<DatasetException>(() => new DatasetLoader().Load(spec));

        Assert.Equal("line 2", e.Location);
        Assert.Contains("never closed", e.Message);
    }

    [Fact]
    public void ImageTar_UndecodableMember_NamesMember()
    {
        var members = TestFiles.CifarFixtureMembers();
        members[3] = (members[3].Member, "not a jpeg at all"u8.ToArray());
        var tar = _files.WriteTarGz("bad.tar.gz", members);
        var spec = ImageLoaderTests.Images(DatasetFormat.ImageTar, new SplitSource { Files = [tar] }, new SplitSource { Files = [tar] });

        var e = Assert.Throws<DatasetException>(() => new DatasetLoader().Load(spec));

        Assert.Equal(tar, e.File);
        Assert.Equal("member test/cat/0001.jpg", e.Location);
        Assert.Contains("does not decode as an image", e.Message);
        Assert.Contains("expected a JPEG or PNG file", e.Message);
    }

    [Fact]
    public void ImageTar_ImageOfAnotherSize_NamesMemberAndBothSizes()
    {
        var members = TestFiles.CifarFixtureMembers();
        members.Add(("test/ship/0002.png", TinyPng.Encode(28, 30, (_, _) => (9, 9, 9))));
        var tar = _files.WriteTarGz("mixed.tar.gz", members);
        var spec = ImageLoaderTests.Images(DatasetFormat.ImageTar, new SplitSource { Files = [tar] }, new SplitSource { Files = [tar] });

        var e = Assert.Throws<DatasetException>(() => new DatasetLoader().Load(spec));

        Assert.Equal("member test/ship/0002.png", e.Location);
        Assert.Contains("image is 28x30, expected 32x32", e.Message);
    }

    [Fact]
    public void Idx_WrongMagic_ShowsFoundAndExpected()
    {
        var (images, labels) = _files.WriteIdx("train", [new byte[4]], 2, 2, [0], gzip: true);
        // Swap the roles: a label file where images are expected.
        var spec = ImageLoaderTests.Images(DatasetFormat.Idx, new SplitSource { Images = labels, Labels = labels },
            new SplitSource { Images = images, Labels = labels });

        var e = Assert.Throws<DatasetException>(() => new DatasetLoader().Load(spec));

        Assert.Equal(labels, e.File);
        Assert.Contains("magic number is 0x00000801: expected 0x00000803 (unsigned-byte images with 3 dimensions)", e.Message);
    }

    [Fact]
    public void Idx_TruncatedImages_GivesExpectedLength()
    {
        var (images, labels) = _files.WriteIdx("train", [new byte[4], new byte[4]], 2, 2, [0, 1], gzip: false);
        File.WriteAllBytes(images, File.ReadAllBytes(images)[..^3]);
        var spec = ImageLoaderTests.Images(DatasetFormat.Idx, new SplitSource { Images = images, Labels = labels },
            new SplitSource { Images = images, Labels = labels });

        var e = Assert.Throws<DatasetException>(() => new DatasetLoader().Load(spec));

        Assert.Contains("is 21 bytes: expected 24 (16-byte header + 2 images of 2x2)", e.Message);
    }

    [Fact]
    public void Npy_Float64Features_AreRefusedWithTheExpectedDtype()
    {
        var x = _files.Write("x.npy", NpyHeader.Format("<f8", [2, 2]).Concat(new byte[32]).ToArray());
        var y = _files.PathOf("y.npy");
        NpyFile.WriteInt64Vector(y, [0, 1]);

        var e = Assert.Throws<DatasetException>(() => new DatasetLoader().Load(NpyLoaderTests.Vectors(x, y, x, y)));

        Assert.Equal(x, e.File);
        Assert.Contains("dtype is '<f8': expected float32 ('<f4')", e.Message);
    }

    [Fact]
    public void Npy_OneDimensionalX_IsRefusedWithTheExpectedShape()
    {
        var x = _files.Write("x.npy", NpyHeader.Format("<f4", [4]).Concat(new byte[16]).ToArray());
        var y = _files.PathOf("y.npy");
        NpyFile.WriteInt64Vector(y, [0, 1, 0, 1]);

        var e = Assert.Throws<DatasetException>(() => new DatasetLoader().Load(NpyLoaderTests.Vectors(x, y, x, y)));

        Assert.Contains("shape is (4,): expected a 2-D array (N, d)", e.Message);
    }

    [Fact]
    public void Npy_LabelCountDiffersFromRows_NamesBoth()
    {
        var x = _files.PathOf("x.npy");
        NpyFile.WriteFloat32Matrix(x, 3, 1, [1f, 2f, 3f]);
        var y = _files.PathOf("y.npy");
        NpyFile.WriteInt64Vector(y, [0, 1]);

        var e = Assert.Throws<DatasetException>(() => new DatasetLoader().Load(NpyLoaderTests.Vectors(x, y, x, y)));

        Assert.Equal(y, e.File);
        Assert.Contains("holds 2 labels but", e.Message);
        Assert.Contains("has 3 rows: expected one label per row", e.Message);
    }

    [Fact]
    public void Npy_NotNpyAtAll_SaysSo()
    {
        var x = _files.Write("x.npy", "hello, world");
        var y = _files.PathOf("y.npy");
        NpyFile.WriteInt64Vector(y, [0]);

        var e = Assert.Throws<DatasetException>(() => new DatasetLoader().Load(NpyLoaderTests.Vectors(x, y, x, y)));

        Assert.Contains("is not a .npy file", e.Message);
    }

    [Fact]
    public void FormatAndKindDisagree_NamesTheField()
    {
        var spec = NpyLoaderTests.Vectors("x", "y", "x", "y") with { Kind = DatasetKind.Text };

        var e = Assert.Throws<DatasetException>(() => new DatasetLoader().Load(spec));

        Assert.Equal("dataset.kind", e.File);
    }
}
