namespace AftSweep.Contracts.Trials;

/// <summary>The paper's two-stage protocol (methods.md, "Hyperparameter selection and reporting").</summary>
public enum TrialStage
{
    /// <summary>Stage 1: train on 90% of train, score on the 10% holdout, to pick lambda.</summary>
    Selection = 1,
    /// <summary>Stage 2: train on the full train split with the chosen lambda, score on test.</summary>
    Final = 2,
}
