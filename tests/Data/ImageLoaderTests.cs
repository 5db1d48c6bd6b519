using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Data;

namespace AftSweep.Tests.Data;

public sealed class ImageLoaderTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    internal static DatasetSpec Images(DatasetFormat format, SplitSource train, SplitSource test, SplitLimit? limit = null) => new()
    {
        Name = "img",
        Kind = DatasetKind.Image,
        Format = format,
        Train = train,
        Test = test,
        Limit = limit,
    };

    [Fact]
    public void CifarFixtureTar_LoadsRgb32x32WithFolderClassesInMemberOrder()
    {
        var tar = TestFiles.Fixture("cifar10-8.tar.gz");
        var spec = Images(DatasetFormat.ImageTar, new SplitSource { Files = [tar] }, new SplitSource { Files = [tar] });

        var data = new DatasetLoader().Load(spec);

        Assert.Equal(["airplane", "cat", "frog", "ship"], data.ClassNames);
        Assert.Equal([0, 0, 1, 1, 2, 2, 3, 3], data.Train.Labels);
        Assert.Equal((32, 32, 8), (data.Train.Images!.Height, data.Train.Images.Width, data.Train.Images.Count));
        // Real photographs: not blank, and two different images differ.
        var pixels = data.Train.Images.Pixels;
        Assert.True(pixels.Distinct().Count() > 100);
        Assert.False(pixels.AsSpan(0, 3072).SequenceEqual(pixels.AsSpan(3072, 3072)));
    }

    [Fact]
    public void TwoTarChunks_GiveTheSameRowsAsOneTar()
    {
        var members = TestFiles.CifarFixtureMembers();
        // Chunks hold interleaved members, as the CIFAR chunks of shared/data do; rows follow sorted member names.
        var a = _files.WriteTarGz("a.tar.gz", members.Where((_, i) => i % 2 == 1));
        var b = _files.WriteTarGz("b.tar.gz", members.Where((_, i) => i % 2 == 0));
        var one = TestFiles.Fixture("cifar10-8.tar.gz");

        var split = new DatasetLoader().Load(Images(DatasetFormat.ImageTar, new SplitSource { Files = [a, b] }, new SplitSource { Files = [one] }));

        Assert.Equal(split.Test.Labels, split.Train.Labels);
        Assert.Equal(split.Test.Images!.Pixels, split.Train.Images!.Pixels);
    }

    [Fact]
    public void ImageFolder_PngsInClassFolders_LoadInSortedOrderWithExactPixels()
    {
        foreach (var (cls, shade) in new[] { ("red", 200), ("blue", 50) })
            for (var k = 0; k < 2; k++)
                _files.Write($"train/{cls}/{k}.png", TinyPng.Encode(4, 3, (x, y) => ((byte)shade, (byte)(x * 10 + k), (byte)y)));
        _files.Write("test/red/9.png", TinyPng.Encode(4, 3, (_, _) => (1, 2, 3)));
        var spec = Images(DatasetFormat.ImageFolder, new SplitSource { Files = [Path.Combine(_files.Root, "train")] },
            new SplitSource { Files = [Path.Combine(_files.Root, "test")] });

        var data = new DatasetLoader().Load(spec);

        Assert.Equal(["blue", "red"], data.ClassNames);
        Assert.Equal([0, 0, 1, 1], data.Train.Labels);
        var img = data.Train.Images!;
        Assert.Equal((3, 4), (img.Height, img.Width));
        // Row 3 = red/1.png; pixel (x=2, y=1) is (200, 21, 1).
        var o = 3 * img.ImageBytes + (1 * 4 + 2) * 3;
        Assert.Equal(new byte[] { 200, 21, 1 }, img.Pixels[o..(o + 3)]);
        Assert.Equal(new byte[] { 1, 2, 3 }, data.Test.Images!.Pixels[..3]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Idx_GzippedOrNot_ReplicatesGrayToRgb(bool gzip)
    {
        var images = Enumerable.Range(0, 6).Select(i => Enumerable.Range(0, 4 * 5).Select(p => (byte)(i * 20 + p)).ToArray()).ToArray();
        byte[] labels = [0, 1, 2, 0, 1, 2];
        var (trainImages, trainLabels) = _files.WriteIdx("train", images, 4, 5, labels, gzip);
        var (testImages, testLabels) = _files.WriteIdx("t10k", images[..3], 4, 5, labels[..3], gzip);
        var spec = Images(DatasetFormat.Idx, new SplitSource { Images = trainImages, Labels = trainLabels },
            new SplitSource { Images = testImages, Labels = testLabels });

        var data = new DatasetLoader().Load(spec);

        Assert.Equal(labels.Select(l => (int)l), data.Train.Labels);
        Assert.Equal(["0", "1", "2"], data.ClassNames);
        var img = data.Train.Images!;
        Assert.Equal((4, 5, 6), (img.Height, img.Width, img.Count));
        // Image 2, pixel 7 has gray value 47 in all three channels.
        var o = 2 * img.ImageBytes + 7 * 3;
        Assert.Equal(new byte[] { 47, 47, 47 }, img.Pixels[o..(o + 3)]);
    }
}
