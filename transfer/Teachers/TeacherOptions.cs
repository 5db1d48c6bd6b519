namespace AftSweep.Transfer.Teachers;

/// <summary>
/// How teachers use the machine. Worker counts never change the features; the text batch size changes only the last
/// bits (a row's padding depends on its batch-mates), so it is part of the text teachers' identity.
/// </summary>
public sealed record TeacherOptions
{
    /// <summary>
    /// Concurrent single-threaded sessions for batch-1 image models (ResNet-18's graph has its batch fixed at 1, so
    /// throughput comes from one session per core rather than from threads inside one session).
    /// </summary>
    public int ImageWorkers { get; init; } = Environment.ProcessorCount;
    /// <summary>Concurrent single-threaded sessions of a text model, each running whole batches.</summary>
    public int TextWorkers { get; init; } = Environment.ProcessorCount;
    /// <summary>
    /// Sentences per text-model call (sorted by length first, so padding stays small). 16 rather than 32: measured
    /// ~10% more sentences per CPU-second on SST-2 (experiments/benchmarks-notes.md), half of it less padding.
    /// </summary>
    public int TextBatchSize { get; init; } = 16;
}
