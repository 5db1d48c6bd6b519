using AftSweep.Transfer.Data;
using AftSweep.Transfer.Data.Npy;
using AftSweep.Transfer.Numerics;

namespace AftSweep.Transfer.Teachers;

/// <summary>
/// <c>features:DIR</c>: features computed elsewhere, <c>DIR/train.npy</c> and <c>DIR/test.npy</c>, float32 [N, d],
/// one row per row of the split's source file in dataset order (before <c>limit</c>; limited splits pick their
/// rows by <see cref="LabeledSplit.SourceRow"/>). Row counts and dtypes are checked against the dataset.
/// </summary>
public sealed class PrecomputedFeaturesTeacher : ITeacher
{
    private readonly string _directory;
    private readonly Lazy<string> _identity;
    private readonly Dictionary<SplitName, (int Rows, int Dim, float[] Values)> _loaded = [];
    private readonly Lock _lock = new();

    public PrecomputedFeaturesTeacher(string spec, string directory)
    {
        Spec = spec;
        _directory = directory;
        if (!Directory.Exists(directory)) throw new TeacherException(spec, $"folder {directory} not found: expected train.npy and test.npy in it");
        var train = NpyFile.ReadHeader(FileOf(SplitName.Train));
        NpyFile.CheckMatrixHeader(train, FileOf(SplitName.Train));
        var test = NpyFile.ReadHeader(FileOf(SplitName.Test));
        NpyFile.CheckMatrixHeader(test, FileOf(SplitName.Test));
        if (train.Shape[1] != test.Shape[1])
            throw new DatasetException(FileOf(SplitName.Test), null, $"has {test.Shape[1]} columns, expected {train.Shape[1]} like train.npy");
        Dim = checked((int)train.Shape[1]);
        _identity = new(() => ModelHash.Identity("features", ModelHash.OfFile(FileOf(SplitName.Train)), ModelHash.OfFile(FileOf(SplitName.Test))));
    }

    public string Spec { get; }
    public int Dim { get; }
    public string Identity => _identity.Value;

    private string FileOf(SplitName split) => Path.Combine(_directory, split == SplitName.Train ? "train.npy" : "test.npy");

    public Task<FeatureMatrix> ExtractAsync(LoadedDataset dataset, SplitName split, int startRow, int rowCount,
        IProgress<int>? rowsDone, CancellationToken cancellationToken)
    {
        var rows = TeacherInputs.Range(dataset, split, startRow, rowCount);
        return Task.Run(() =>
        {
            var (fileRows, dim, values) = Load(split);
            if (fileRows != rows.SourceRowCount)
                throw new DatasetException(FileOf(split), null,
                    $"has {fileRows} rows: expected {rows.SourceRowCount}, one per row of dataset '{dataset.Spec.Name}''s " +
                    $"{split.ToString().ToLowerInvariant()} split in dataset order");
            var data = new float[(long)rowCount * dim];
            for (var i = 0; i < rowCount; i++)
                Array.Copy(values, (long)rows.SourceRow(startRow + i) * dim, data, (long)i * dim, dim);
            rowsDone?.Report(rowCount);
            return new FeatureMatrix(rowCount, dim, data);
        }, cancellationToken);
    }

    private (int Rows, int Dim, float[] Values) Load(SplitName split)
    {
        lock (_lock)
        {
            if (!_loaded.TryGetValue(split, out var matrix))
            {
                matrix = NpyFile.ReadFloat32Matrix(FileOf(split));
                if (matrix.Dim != Dim)
                    throw new DatasetException(FileOf(split), null, $"has {matrix.Dim} columns, expected {Dim}");
                _loaded[split] = matrix;
            }
            return matrix;
        }
    }

    public void Dispose() => _loaded.Clear();
}
