using AftSweep.Transfer.Torch;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Training;

/// <summary>
/// The rows a trial trains (or evaluates) on, resident on the device: model inputs, int64 labels, and the
/// concatenated teacher features phi (N, d_p) for regularised methods. Owns and disposes all three.
/// </summary>
public sealed class TrainingSet : IDisposable
{
    public TrainingSet(InputTensor inputs, Tensor labels, VectorInputs? teacher)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.shape[0] != inputs.Rows)
            throw new ArgumentException($"{labels.shape[0]} labels for {inputs.Rows} input rows");
        if (teacher is not null && teacher.Rows != inputs.Rows)
            throw new ArgumentException($"{teacher.Rows} teacher feature rows for {inputs.Rows} input rows");
        Inputs = inputs;
        Labels = labels;
        Teacher = teacher;
    }

    public InputTensor Inputs { get; }
    public Tensor Labels { get; }
    public VectorInputs? Teacher { get; }
    public int Rows => (int)Inputs.Rows;

    public void Dispose()
    {
        Inputs.Dispose();
        Labels.Dispose();
        Teacher?.Dispose();
    }
}
