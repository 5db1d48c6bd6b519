using AftSweep.Contracts.Trials;

namespace AftSweep.Contracts.Protocol;

/// <summary>
/// A linear-probe cell's L2 choice over its finished final seeds (each trial chooses on a holdout of its own training
/// rows; the probe is seed-independent, so the seeds normally agree).
/// </summary>
/// <param name="ChosenL2">Distinct chosen strengths, ascending (one when the seeds agree).</param>
/// <param name="Grid">The strengths chosen among.</param>
/// <param name="HoldoutRows">Rows each choice was made on (the smallest, should seeds differ).</param>
/// <param name="Seeds">Finished final seeds with a probe record.</param>
/// <param name="ConvergedSeeds">Seeds whose refit converged.</param>
/// <param name="MaxIterations">Most L-BFGS iterations any seed's refit took.</param>
[GenerateSerializer, Immutable, Alias("aftsweep.ProbeSummary.v1")]
public sealed record ProbeSummary(
    [property: Id(0)] IReadOnlyList<double> ChosenL2,
    [property: Id(1)] IReadOnlyList<double> Grid,
    [property: Id(2)] int HoldoutRows,
    [property: Id(3)] int Seeds,
    [property: Id(4)] int ConvergedSeeds,
    [property: Id(5)] int MaxIterations)
{
    /// <summary>The edge the chosen strength sits on (the first edge any seed's choice hits).</summary>
    public LambdaEdge Edge => ChosenL2.Select(l2 => LambdaEdges.Of(l2, Grid)).FirstOrDefault(e => e != LambdaEdge.None);

    /// <summary>Null when no result carries a probe record (e.g. records written before schema 2).</summary>
    public static ProbeSummary? Of(IEnumerable<TrialResult> finals)
    {
        ArgumentNullException.ThrowIfNull(finals);
        var probes = finals.Select(r => r.Probe).OfType<LinearProbeResult>().ToList();
        if (probes.Count == 0) return null;
        return new ProbeSummary(
            probes.Select(p => p.L2).Distinct().Order().ToList(),
            probes.SelectMany(p => p.Candidates.Select(c => c.L2)).Distinct().Order().ToList(),
            probes.Min(p => p.HoldoutRows),
            probes.Count,
            probes.Count(p => p.Converged),
            probes.Max(p => p.Iterations));
    }
}
