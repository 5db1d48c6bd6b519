using AftSweep.Transfer.Numerics;

using static TorchSharp.torch;

namespace AftSweep.Transfer.Torch;

/// <summary>Float32 rows (N, D) on the device: vector datasets, and teacher features for the linear probe and R.</summary>
public sealed class VectorInputs : InputTensor
{
    private readonly Tensor _values; // (N, D)

    public VectorInputs(float[] values, int rows, int dim, Device device)
    {
        ArgumentNullException.ThrowIfNull(values);
        if ((long)rows * dim != values.LongLength)
            throw new ArgumentException($"{values.LongLength} values do not make {rows} rows of width {dim}");
        Dim = dim;
        using (NewDisposeScope())
            _values = tensor(values, [rows, dim]).to(device).DetachFromDisposeScope();
    }

    public static VectorInputs From(FeatureMatrix features, Device device) =>
        new(features.Data, features.Rows, features.Dim, device);

    public int Dim { get; }
    public override long Rows => _values.shape[0];
    public override Tensor Gather(Tensor rowIndices) => _values.index_select(0, rowIndices);

    protected override void DisposeTensors() => _values.Dispose();
}
