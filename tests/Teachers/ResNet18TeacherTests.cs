using AftSweep.Transfer.Data;
using AftSweep.Transfer.Teachers;

namespace AftSweep.Tests.Teachers;

public sealed class ResNet18TeacherTests
{
    [Fact]
    public async Task CifarImages_GiveFiniteDeterministic512dFeaturesThatSeparateClasses()
    {
        var data = TeacherTestData.Cifar8();
        using var teacher = new TeacherFactory(new TeacherOptions { ImageWorkers = 2 }).Create("onnx:resnet18-imagenet", ".");

        var progress = new List<int>();
        var all = await teacher.ExtractAsync(data, SplitName.Train, 0, 8, new SyncProgress(progress), CancellationToken.None);
        var shard = await teacher.ExtractAsync(data, SplitName.Train, 2, 3, null, CancellationToken.None);

        Assert.Equal((8, 512), (all.Rows, all.Dim));
        Assert.Equal(512, teacher.Dim);
        Assert.All(all.Data, v => Assert.True(float.IsFinite(v) && v >= 0, "pooled ReLU features are finite and non-negative"));
        Assert.True(all.Data.Count(v => v > 0) > 8 * 100, "features are not mostly zero");
        // The same rows give bit-identical features whatever range (shard) they are extracted in.
        Assert.Equal(all.Data.AsSpan(2 * 512, 3 * 512).ToArray(), shard.Data);
        Assert.Equal(8, progress.Max());
        // Rows 0,1 airplane; 2,3 cat; 4,5 frog; 6,7 ship. Different classes give clearly different features.
        var within = new[] { (0, 1), (2, 3), (4, 5), (6, 7) }.Average(p => Cos(all.Data, p.Item1, p.Item2));
        var across = (from i in Enumerable.Range(0, 8) from j in Enumerable.Range(0, 8)
                      where i / 2 != j / 2 select Cos(all.Data, i, j)).Average();
        Assert.True(across < 0.95, $"different classes have cosine {across}");
        Assert.True(within > across, $"same-class cosine {within} should exceed cross-class {across}");
    }

    [Fact]
    public void Identity_IsStableAndNamesTheModel()
    {
        using var a = new TeacherFactory().Create("onnx:resnet18-imagenet", ".");
        using var b = new TeacherFactory().Create("onnx:resnet18-imagenet", ".");

        Assert.Equal(64, a.Identity.Length);
        Assert.Equal(a.Identity, b.Identity);
    }

    [Fact]
    public async Task TextDataset_IsRefusedByAnImageTeacher()
    {
        using var teacher = new TeacherFactory().Create("onnx:resnet18-imagenet", ".");

        var e = await Assert.ThrowsAsync<TeacherException>(() =>
            teacher.ExtractAsync(TeacherTestData.Sentences("a"), SplitName.Train, 0, 1, null, CancellationToken.None));

        Assert.Contains("reads images but dataset 'sentences' is text", e.Message);
    }

    private static double Cos(float[] data, int i, int j) =>
        TeacherTestData.Cosine(data.AsSpan(i * 512, 512), data.AsSpan(j * 512, 512));

    private sealed class SyncProgress(List<int> seen) : IProgress<int>
    {
        public void Report(int value) { lock (seen) seen.Add(value); }
    }
}
