using AftSweep.Transfer.Numerics;
using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Data.Formats;

namespace AftSweep.Transfer.Data;

/// <summary>
/// Loads a grid's dataset block: reads both splits with the format's reader, maps labels to class ids
/// (<see cref="LabelMapping"/>), applies <c>limit</c> (<see cref="ClassBalancedSubset"/>, seeded by
/// the split seed) and fingerprints the result (<see cref="DatasetFingerprint"/>).
/// Every problem is a <see cref="DatasetException"/> naming the file and row or member.
/// </summary>
public sealed class DatasetLoader(DatasetLoaderOptions? options = null) : IDatasetLoader
{
    // Stream ids keep the train and test draws independent although they share the split seed.
    private const ulong TrainLimitStream = 1;
    private const ulong TestLimitStream = 2;

    private readonly DatasetLoaderOptions _options = options ?? new DatasetLoaderOptions();

    public LoadedDataset Load(DatasetSpec spec, int splitSeed = SelectionSpec.DefaultSplitSeed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        CheckKind(spec);
        var train = ReadSplit(spec, spec.Train, "train", cancellationToken);
        var test = ReadSplit(spec, spec.Test, "test", cancellationToken);
        CheckSplitsAgree(spec, train, test);
        var (trainIds, testIds, classNames) = LabelMapping.Map(train, test);
        return new LoadedDataset
        {
            Spec = spec,
            Fingerprint = DatasetFingerprint.Compute(spec, splitSeed),
            Train = Limit(ToSplit(train, trainIds), spec.Limit?.Train, splitSeed, TrainLimitStream),
            Test = Limit(ToSplit(test, testIds), spec.Limit?.Test, splitSeed, TestLimitStream),
            ClassNames = classNames,
        };
    }

    private RawSplit ReadSplit(DatasetSpec spec, SplitSource source, string role, CancellationToken cancellationToken) =>
        spec.Format switch
        {
            DatasetFormat.Tsv or DatasetFormat.Csv => DelimitedTextReader.Read(Single(source, role), spec, cancellationToken),
            DatasetFormat.ImageTar => ImageTarReader.Read(source.Files, _options.DecodeThreads, cancellationToken),
            DatasetFormat.ImageFolder => ImageFolderReader.Read(Single(source, role), _options.DecodeThreads, cancellationToken),
            DatasetFormat.Idx => IdxReader.Read(
                source.Images ?? throw Missing(role, "images"), source.Labels ?? throw Missing(role, "labels")),
            DatasetFormat.Npy => NpyVectorReader.Read(source.X ?? throw Missing(role, "x"), source.Y ?? throw Missing(role, "y")),
            _ => throw new DatasetException("dataset.format", null, $"unknown format {spec.Format}"),
        };

    private static string Single(SplitSource source, string role) => source.Files.Count == 1
        ? source.Files[0]
        : throw new DatasetException($"dataset.{role}", null, $"expected one path, found {source.Files.Count}");

    private static DatasetException Missing(string role, string field) =>
        new($"dataset.{role}.{field}", null, "is required for this format");

    private static void CheckKind(DatasetSpec spec)
    {
        if (spec.Format is DatasetFormat.Tsv or DatasetFormat.Csv && spec.Kind is DatasetKind.Text or DatasetKind.Vectors) return;
        var expected = spec.Format switch
        {
            DatasetFormat.Tsv or DatasetFormat.Csv => DatasetKind.Text,
            DatasetFormat.Npy => DatasetKind.Vectors,
            _ => DatasetKind.Image,
        };
        if (spec.Kind != expected)
            throw new DatasetException("dataset.kind", null,
                $"is {spec.Kind.ToString().ToLowerInvariant()} but format {spec.Format} holds {expected.ToString().ToLowerInvariant()} data");
    }

    private static void CheckSplitsAgree(DatasetSpec spec, RawSplit train, RawSplit test)
    {
        if (train.Images is { } a && test.Images is { } b && (a.Height != b.Height || a.Width != b.Width))
            throw new DatasetException(test.LabelFile, null,
                $"test images are {b.Width}x{b.Height}, expected {a.Width}x{a.Height} like the train split");
        if (train.Vectors is { } x && test.Vectors is { } y && x.Dim != y.Dim)
            throw new DatasetException(spec.Test.X ?? test.LabelFile, null,
                $"test vectors have {y.Dim} columns, expected {x.Dim} like the train split");
    }

    private static LabeledSplit ToSplit(RawSplit raw, int[] labels) => new()
    {
        Labels = labels,
        Texts = raw.Texts,
        Images = raw.Images,
        Vectors = raw.Vectors,
    };

    private LabeledSplit Limit(LabeledSplit split, int? limit, int splitSeed, ulong stream)
    {
        if (limit is not { } n || n >= split.Rows) return split;
        if (n <= 0) throw new DatasetException("dataset.limit", null, $"is {n}: expected a positive row count");
        var rows = ClassBalancedSubset.Select(split.Labels, n, SplitMix64.ForStream(splitSeed, stream));
        return split.Select(rows);
    }
}
