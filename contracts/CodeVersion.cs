namespace AftSweep.Contracts;

/// <summary>
/// The version of the training code that goes into every trial id. Bump <see cref="Trials"/> whenever a change
/// alters what a trial computes (numbers, not speed), so old results are never mixed with new ones.
/// </summary>
public static class CodeVersion
{
    /// <summary>2: linear-probe is a logistic regression fitted to convergence by L-BFGS (was: the trial's step budget).</summary>
    public const string Trials = "aft-trials-2";
    public const string Extractor = "aft-features-1";
}
