namespace AftSweep.Transfer.Training;

/// <summary>
/// Steps to epochs (methods.md): epochs = round-half-up(steps / batches per epoch), at least 1; the trial then runs
/// exactly epochs * batches per epoch steps, the last batch of each epoch possibly smaller.
/// </summary>
public sealed record EpochPlan(int Rows, int BatchSize, int Epochs, int BatchesPerEpoch)
{
    public int TotalSteps => Epochs * BatchesPerEpoch;

    public static EpochPlan Create(int rows, int batchSize, int requestedSteps)
    {
        if (rows <= 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "no training rows");
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be positive");
        if (requestedSteps <= 0) throw new ArgumentOutOfRangeException(nameof(requestedSteps), requestedSteps, "steps must be positive");
        var batches = (rows + batchSize - 1) / batchSize;
        // Integer round-half-up of steps / batches: floor((2 * steps + batches) / (2 * batches)).
        var epochs = (int)((2L * requestedSteps + batches) / (2L * batches));
        return new EpochPlan(rows, batchSize, Math.Max(1, epochs), batches);
    }

    /// <summary>Rows in batch <paramref name="batch"/> of an epoch.</summary>
    public int BatchRows(int batch) => Math.Min(BatchSize, Rows - batch * BatchSize);
}
