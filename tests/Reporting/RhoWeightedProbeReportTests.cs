using AftSweep.Client.Reporting;
using AftSweep.Client.Reporting.Formats;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;

namespace AftSweep.Tests.Reporting;

/// <summary>Figure 6a in the report: the rho-weighted probe of each final aft trial against the raw linear probe, paired by seed.</summary>
public sealed class RhoWeightedProbeReportTests
{
    private static readonly TeacherRef[] Combo = [SyntheticSweep.A];

    private static TrialRecord WithWeightedProbe(TrialRecord record, double accuracy) =>
        record with
        {
            Result = record.Result! with
            {
                RhoWeightedProbe = new RhoWeightedProbe
                {
                    Accuracy = accuracy,
                    Probe = new LinearProbeResult
                    {
                        L2 = 1e-3, Candidates = [], HoldoutRows = 20, Iterations = 40, Converged = true, GradientMaxAbs = 1e-7,
                        Stop = "gradient", FeatureScale = 1,
                    },
                },
            },
        };

    private static List<TrialRecord> Records(bool withProbe = true)
    {
        double[] weighted = [0.80, 0.82, 0.81];
        var records = new List<TrialRecord>();
        records.AddRange(SyntheticSweep.Finals(MethodId.Stl, [], null, 0.60, 0.61, 0.62));
        if (withProbe) records.AddRange(SyntheticSweep.Finals(MethodId.LinearProbe, Combo, null, 0.75, 0.75, 0.75));
        records.AddRange(SyntheticSweep.Selection(MethodId.Aft, Combo, 1, 0.7));
        records.AddRange(SyntheticSweep.Finals(MethodId.Aft, Combo, 1, 0.70, 0.71, 0.72).Select((r, seed) => WithWeightedProbe(r, weighted[seed])));
        return records;
    }

    [Fact]
    public void Build_PairsTheWeightedProbeWithTheRawProbeBySeed()
    {
        var dataset = ResultsReportBuilder.Build(SweepAggregator.Aggregate(Records())).Datasets.Single();

        var row = Assert.Single(dataset.RhoWeightedProbe);
        Assert.Equal(("aft", "a", 3), (row.Method, row.Combo, row.N));
        Assert.Equal(0.81, row.Mean, 12);
        Assert.Equal(0.75, row.RawMean!.Value, 12);
        // Differences 0.05, 0.07, 0.06: mean 0.06, sd 0.01, half width t(2) * 0.01 / sqrt 3 = 0.0248.
        var d = row.Difference!;
        Assert.Equal(0.06, d.MeanDifference!.Value, 12);
        Assert.Equal(0.06 - 4.302652729911275 * 0.01 / Math.Sqrt(3), d.CiLow!.Value, 9);
        Assert.True(d.Resolved);
        Assert.Equal([0, 1, 2], d.Seeds);
    }

    [Fact]
    public void Build_WithoutALinearProbeCell_KeepsTheWeightedProbeUnpaired()
    {
        var row = Assert.Single(ResultsReportBuilder.Build(SweepAggregator.Aggregate(Records(withProbe: false))).Datasets.Single().RhoWeightedProbe);
        Assert.Null(row.RawMean);
        Assert.Null(row.Difference);
    }

    [Fact]
    public void Markdown_ShowsTheFigure6aTable()
    {
        var text = new MarkdownReportWriter().Write(ResultsReportBuilder.Build(SweepAggregator.Aggregate(Records())));

        Assert.Contains("### Rho-weighted linear probe (Figure 6a", text, StringComparison.Ordinal);
        Assert.Contains("| aft | a | 3 | 81.0 ± 0.6 | 75.0 | +6.0 | [+3.5, +8.5] | **resolved: aft rho-weighted probe ahead** |", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_RecordsWithoutTheProbe_HaveNoRows()
    {
        Assert.Empty(ResultsReportTests.Report.Datasets.Single().RhoWeightedProbe);
    }
}
