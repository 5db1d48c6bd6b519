using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Data;

namespace AftSweep.Tests.Data;

public sealed class DatasetIdentityTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private DatasetSpec Spec(string train, string? template = null) => new()
    {
        Name = "t", Kind = DatasetKind.Text, Format = DatasetFormat.Tsv,
        Train = new SplitSource { Files = [train] }, Test = new SplitSource { Files = [train] },
        Text = [ColumnRef.Named("s")], Label = ColumnRef.Named("l"), Template = template,
    };

    [Fact]
    public void Fingerprint_SameBytesElsewhere_Same_ChangedByteOrOption_Different()
    {
        var a = _files.Write("a/train.tsv", "s\tl\nx\t0\ny\t1\n");
        var b = _files.Write("b/copy.tsv", "s\tl\nx\t0\ny\t1\n");
        var c = _files.Write("c/train.tsv", "s\tl\nx\t0\ny\t0\n");
        var options = new DatasetLoaderOptions();

        var fa = DatasetIdentity.Compute(Spec(a), options);

        Assert.Equal(fa, DatasetIdentity.Compute(Spec(b) with { Name = "renamed" }, options));
        Assert.NotEqual(fa, DatasetIdentity.Compute(Spec(c), options));
        Assert.NotEqual(fa, DatasetIdentity.Compute(Spec(a, "Review: {s}"), options));
        // The split seed matters only when a limit draws a subset.
        Assert.Equal(fa, DatasetIdentity.Compute(Spec(a), options with { SplitSeed = 1 }));
    }
}
