namespace AftSweep.Contracts.Trials;

/// <summary>
/// The paper's Figure 6a for one final AFT-style trial: the <c>linear-probe</c> protocol (L-BFGS logistic regression,
/// L2 chosen on a holdout of the training rows) fitted to the teacher features with each column scaled by the learned
/// rho. Compared with the <c>linear-probe</c> cell of the same combo (the raw features), it shows whether rho kept the
/// features that predict the labels.
/// </summary>
[GenerateSerializer, Immutable, Alias("aftsweep.RhoWeightedProbe.v1")]
public sealed record RhoWeightedProbe
{
    /// <summary>Accuracy of the probe on the trial's evaluation rows (the test set for a final trial).</summary>
    [Id(0)] public required double Accuracy { get; init; }
    /// <summary>How the probe was fitted (its L2 choice and convergence).</summary>
    [Id(1)] public required LinearProbeResult Probe { get; init; }
}
