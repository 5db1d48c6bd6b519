using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Numerics;

namespace AftSweep.Transfer.Teachers;

/// <summary>A frozen pre-trained model (or a stand-in: precomputed features, noise) that yields features.</summary>
public interface ITeacher : IDisposable
{
    /// <summary>The canonical spec it was made from (<see cref="TeacherSpec.ToString"/>: "onnx:minilm", "noise:384", ...).</summary>
    string Spec { get; }
    /// <summary>Feature width d.</summary>
    int Dim { get; }
    /// <summary>Identity of the extractor's output (model file hash, preprocessing, version): part of feature-set keys.</summary>
    string Identity { get; }

    /// <summary>
    /// Features of rows [startRow, startRow + rowCount) of a split, float32 [rowCount, Dim]. <paramref name="rowsDone"/>
    /// receives the running count of rows of this call finished so far (not increments), possibly from worker threads.
    /// </summary>
    Task<FeatureMatrix> ExtractAsync(LoadedDataset dataset, SplitName split, int startRow, int rowCount,
        IProgress<int>? rowsDone, CancellationToken cancellationToken);
}

/// <summary>Makes teachers from parsed grid specs (<see cref="TeacherSpec"/>: one grammar, one parser).</summary>
public interface ITeacherFactory
{
    ITeacher Create(TeacherSpec spec);
}
