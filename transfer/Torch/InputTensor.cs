using static TorchSharp.torch;

namespace AftSweep.Transfer.Torch;

/// <summary>
/// A split's model inputs held once on the training device; a minibatch is an index_select of rows, so a step
/// copies nothing from managed memory. Owns its tensors (detached from any dispose scope).
/// </summary>
public abstract class InputTensor : IDisposable
{
    private bool _disposed;

    public abstract long Rows { get; }

    /// <summary>The model input for <paramref name="rowIndices"/> (int64, on the device), in that order.</summary>
    public abstract Tensor Gather(Tensor rowIndices);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        DisposeTensors();
        GC.SuppressFinalize(this);
    }

    protected abstract void DisposeTensors();
}
