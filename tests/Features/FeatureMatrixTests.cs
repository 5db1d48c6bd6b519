using AftSweep.Transfer.Numerics;


namespace AftSweep.Tests.Features;

public sealed class FeatureMatrixTests
{
    [Fact]
    public void ScaleColumns_MultipliesEachColumnByItsWeight_AndLeavesTheSourceAlone()
    {
        var source = new FeatureMatrix(2, 3, [1, 2, 3, 4, 5, 6]);

        var scaled = source.ScaleColumns([0.5f, 0, 2]);

        Assert.Equal([0.5f, 0, 6, 2, 0, 12], scaled.Data);
        Assert.Equal((2, 3), (scaled.Rows, scaled.Dim));
        Assert.Equal([1f, 2, 3, 4, 5, 6], source.Data);
    }

    [Fact]
    public void ScaleColumns_WrongWeightCount_NamesBoth()
    {
        var e = Assert.Throws<ArgumentException>(() => new FeatureMatrix(1, 3, [1, 2, 3]).ScaleColumns([1f, 2]));
        Assert.Equal("2 column weights for 3 columns", e.Message);
    }
}
