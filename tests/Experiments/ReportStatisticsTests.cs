using System.Globalization;
using AftSweep.Contracts.Protocol;
using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.Experiments;

/// <summary>
/// experiments/report.py computes the intervals the tool does not (means over combos, the noise experiment's
/// change from the clean combo) in plain Python: its t quantile and paired interval must equal the tool's.
/// </summary>
public sealed class ReportStatisticsTests
{
    [Fact]
    public async Task ReportPy_TQuantileAndPairedInterval_MatchTheTool()
    {
        const string script = """
            import sys
            sys.path.insert(0, "experiments")
            import report
            for df in range(1, 41):
                print("t", df, repr(report.t_quantile(df)))
            for df in (60, 120, 1000):
                print("t", df, repr(report.t_quantile(df)))
            d = report.paired([0, 1, 2, 3, 4], [0.031, -0.004, 0.027, 0.012, 0.019])
            print("paired", repr(d["meanDifference"]), repr(d["ciLow"]), repr(d["ciHigh"]), d["resolved"])
            one = report.paired([7], [0.2])
            print("one", one["intervalDefined"], one["ciLow"], one["resolved"])
            """;
        var start = ChildProcess.Start("python3", RepositoryRoot.Find(), ["-c", script]);
        var run = await ChildProcess.RunAsync(start, TimeSpan.FromMinutes(2));
        Assert.True(run.Code == 0, run.Stderr);

        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToList();
        var quantiles = lines.Where(l => l[0] == "t").ToList();
        Assert.Equal(43, quantiles.Count);
        foreach (var line in quantiles)
        {
            var df = int.Parse(line[1], CultureInfo.InvariantCulture);
            Assert.Equal(PairedDifference.TQuantile(df), double.Parse(line[2], CultureInfo.InvariantCulture), 1e-9);
        }

        var tool = PairedDifference.FromDifferences([0, 1, 2, 3, 4], [0.031, -0.004, 0.027, 0.012, 0.019]);
        var paired = lines.Single(l => l[0] == "paired");
        Assert.Equal(tool.MeanDifference!.Value, double.Parse(paired[1], CultureInfo.InvariantCulture), 12);
        Assert.Equal(tool.Low!.Value, double.Parse(paired[2], CultureInfo.InvariantCulture), 9);
        Assert.Equal(tool.High!.Value, double.Parse(paired[3], CultureInfo.InvariantCulture), 9);
        Assert.Equal(tool.Resolved ? "True" : "False", paired[4]);
        Assert.Equal(["one", "False", "None", "False"], lines.Single(l => l[0] == "one"));
    }
}
