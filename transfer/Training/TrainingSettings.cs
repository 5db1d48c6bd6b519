namespace AftSweep.Transfer.Training;

/// <summary>The optimisation knobs of one training run (methods.md, "Training protocol").</summary>
public sealed record TrainingSettings
{
    /// <summary>Requested steps; the run trains <see cref="EpochPlan.TotalSteps"/>.</summary>
    public required int Steps { get; init; }
    public required int BatchSize { get; init; }
    public required double Lr { get; init; }
    public double WeightDecay { get; init; }
    /// <summary>The regulariser's parameter group learning rate (no weight decay).</summary>
    public double PriorLr { get; init; }
    /// <summary>beta, the weight of R in CE + beta * R; 0 when unregularised.</summary>
    public double Lambda { get; init; }
    /// <summary>Controls shuffling (initialisation is seeded where the model is built).</summary>
    public required int Seed { get; init; }
    /// <summary>Report progress every this many steps (and at the last).</summary>
    public int ProgressEvery { get; init; } = 20;
    /// <summary>Names the run in error messages ("trial 3fa2...").</summary>
    public string Label { get; init; } = "training";
}
