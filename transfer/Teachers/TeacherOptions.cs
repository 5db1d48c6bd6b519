namespace AftSweep.Transfer.Teachers;

/// <summary>How teachers use the machine. None of these change the features, only how fast they come.</summary>
public sealed record TeacherOptions
{
    /// <summary>
    /// Concurrent single-threaded sessions for batch-1 image models (ResNet-18's graph has its batch fixed at 1, so
    /// throughput comes from one session per core rather than from threads inside one session).
    /// </summary>
    public int ImageWorkers { get; init; } = Environment.ProcessorCount;
    /// <summary>Concurrent single-threaded sessions of a text model, each running whole batches.</summary>
    public int TextWorkers { get; init; } = Environment.ProcessorCount;
    /// <summary>Sentences per text-model call (sorted by length first, so padding stays small).</summary>
    public int TextBatchSize { get; init; } = 32;
}
