namespace AftSweep.Client.Reporting;

/// <summary>
/// One paired comparison (contracts' PairedComparison) as every format shows it: <see cref="Method"/> minus
/// <see cref="Baseline"/> in column <see cref="Combo"/>, the mean of the per-seed differences and its 95% t-interval,
/// as fractions (percentage points = 100 x these).
/// </summary>
/// <param name="Role">"stl", "kd", "best-other" or "ablation".</param>
/// <param name="Seeds">Seeds both methods finished (the pairs).</param>
/// <param name="MeanDifference">Null when no seed is common.</param>
/// <param name="CiLow">Lower end of the 95% interval; null with fewer than two pairs.</param>
/// <param name="CiHigh">Upper end of the 95% interval; null with fewer than two pairs.</param>
/// <param name="Resolved">The interval excludes 0.</param>
public sealed record ComparisonRow(
    string Combo,
    string Method,
    string Baseline,
    string Role,
    int N,
    IReadOnlyList<int> Seeds,
    double? MeanDifference,
    double? StandardError,
    double? CiLow,
    double? CiHigh,
    bool IntervalDefined,
    bool Resolved)
{
    /// <summary>"aft ahead", "aft behind" (both resolved), "not resolved", or why there is no interval.</summary>
    public string Verdict => Resolved
        ? MeanDifference > 0 ? $"resolved: {Method} ahead" : $"resolved: {Method} behind"
        : N switch
        {
            0 => "not resolved (no common seed)",
            1 => "not resolved (n=1: no interval)",
            _ => "not resolved",
        };
}

/// <summary>
/// The linear probe of one combo: its test accuracy (mean over seeds) and how its L2 strength was chosen.
/// Probe fields are null for records written before the converged probe (schema 1).
/// </summary>
/// <param name="ChosenL2">Chosen strengths over the seeds (one when they agree).</param>
/// <param name="L2Edge">"lowest" / "highest" when the choice is an end of the grid; else null.</param>
public sealed record ProbeRow(
    string Combo,
    double? Mean,
    double? StandardError,
    int N,
    IReadOnlyList<double> ChosenL2,
    IReadOnlyList<double> L2Grid,
    string? L2Edge,
    int? HoldoutRows,
    int? ConvergedSeeds,
    int? MaxIterations);
