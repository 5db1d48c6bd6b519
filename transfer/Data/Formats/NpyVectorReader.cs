using AftSweep.Transfer.Data.Npy;

namespace AftSweep.Transfer.Data.Formats;

/// <summary>npy: x float32 (N, d) and y integer (N,) per split.</summary>
internal static class NpyVectorReader
{
    public static RawSplit Read(string xPath, string yPath)
    {
        var (rows, dim, values) = NpyFile.ReadFloat32Matrix(xPath);
        var labels = NpyFile.ReadIntegerVector(yPath);
        if (rows == 0) throw new DatasetException(xPath, null, "shape is (0, d): expected at least one row");
        if (labels.Length != rows)
            throw new DatasetException(yPath, null, $"holds {labels.Length} labels but {xPath} has {rows} rows: expected one label per row");
        return new RawSplit
        {
            LabelFile = yPath,
            Locate = i => $"row {i}",
            IntegerLabels = labels,
            Vectors = new VectorBatch { Dim = dim, Values = values },
        };
    }
}
