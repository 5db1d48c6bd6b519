namespace AftSweep.Transfer.Models.Checkpoints;

/// <summary>TEMPORARY until the ONNX conversions land.</summary>
public static class OfflineCheckpointLibrary
{
    public static Checkpoint Open(string id) => throw new CheckpointException(id, "offline checkpoints are not available in this build yet");
}
