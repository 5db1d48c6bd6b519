using AftSweep.Contracts.Grid;
using AftSweep.Tests.Data;
using AftSweep.Transfer.Data;

namespace AftSweep.Tests.Teachers;

internal static class TeacherTestData
{
    /// <summary>The 8 CIFAR-10 fixture images (airplane, cat, frog, ship; two each) as train and test.</summary>
    public static LoadedDataset Cifar8()
    {
        var tar = TestFiles.Fixture("cifar10-8.tar.gz");
        return new DatasetLoader().Load(ImageLoaderTests.Images(DatasetFormat.ImageTar,
            new SplitSource { Files = [tar] }, new SplitSource { Files = [tar] }));
    }

    /// <summary>A text dataset of the given sentences (all label 0), in memory.</summary>
    public static LoadedDataset Sentences(params string[] texts) => new()
    {
        Spec = new DatasetSpec
        {
            Name = "sentences", Kind = DatasetKind.Text, Format = DatasetFormat.Tsv,
            Train = new SplitSource(), Test = new SplitSource(),
        },
        Fingerprint = "test",
        Train = new LabeledSplit { Labels = new int[texts.Length], Texts = texts },
        Test = new LabeledSplit { Labels = new int[texts.Length], Texts = texts },
        ClassNames = ["0"],
    };

    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
        return (float)(dot / Math.Sqrt(na * nb));
    }
}
