using static TorchSharp.torch;

namespace AftSweep.Transfer.Torch;

/// <summary>Labels as the device tensor the loss reads.</summary>
public static class InputTensors
{
    /// <summary>Class ids as an int64 tensor on the device.</summary>
    public static Tensor Labels(IReadOnlyList<int> labels, Device device)
    {
        var values = new long[labels.Count];
        for (var i = 0; i < values.Length; i++) values[i] = labels[i];
        using (NewDisposeScope())
            return tensor(values, [values.Length]).to(device).DetachFromDisposeScope();
    }
}
