using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Features;
using AftSweep.Transfer.Models;
using AftSweep.Transfer.Models.Architectures;
using AftSweep.Transfer.Models.Checkpoints;
using AftSweep.Transfer.Teachers;

namespace AftSweep.Client.Commands;

/// <summary>
/// The grid's files, read as the engine will read them, before anything is written or submitted: the dataset is
/// loaded (truncated or corrupt csv/tsv/idx/npy/tar files fail here with the file and place named) and every
/// file-backed teacher (onnx-file, features) is opened (a file that is not ONNX fails here). Without this check a
/// corrupt file passes `validate`, is submitted, and then fails every trial on the silos.
/// </summary>
public static class GridContent
{
    /// <summary>
    /// The student as a trial would build it, without reading weights: checkpoint names, shapes and dtypes against the
    /// architecture, the config, the vocabulary, the layer subset and the head.
    /// </summary>
    private static string? CheckStudent(GridSpec grid, LoadedDataset dataset)
    {
        try
        {
            StudentFactory.Check(grid.Downstream, InputShape.Of(dataset.Train), Math.Max(2, dataset.NumClasses));
            return null;
        }
        catch (Exception e) when (e is CheckpointException or ArgumentException)
        {
            return $"downstream: {e.Message}";
        }
    }

    /// <summary>The first problem with the grid's files as one line, or null when they load.</summary>
    public static string? Check(GridSpec grid, CancellationToken cancellationToken = default)
    {
        try
        {
            var dataset = new DatasetLoader(new DatasetLoaderOptions { DecodeThreads = 1 }).Load(grid.Dataset, grid.Selection.SplitSeed, cancellationToken);
            if (CheckStudent(grid, dataset) is { } problem) return problem;
            var factory = new TeacherFactory();
            foreach (var teacher in grid.Teachers.Where(t => t.Spec.StartsWith("onnx-file:", StringComparison.Ordinal) || t.Spec.StartsWith("features:", StringComparison.Ordinal)))
            {
                try
                {
                    using var opened = factory.Create(teacher.Spec, grid.BaseDirectory);
                }
                catch (Exception e) when (e is TeacherException or DatasetException or FeatureStoreException or IOException or InvalidDataException)
                {
                    return $"teachers.{teacher.Name}: {e.Message}";
                }
            }
            return null;
        }
        catch (DatasetException e)
        {
            return $"dataset: {e.Message}";
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            // Decoders below the loader (gzip, tar) throw these on truncated archives.
            return $"dataset: cannot read the data files: {e.Message}";
        }
    }
}
