using System.Text.Json;
using AftSweep.Client.Reporting;
using AftSweep.Client.Reporting.Formats;

namespace AftSweep.Tests.Reporting;

public sealed class ReportFormatTests
{
    private static readonly ResultsReport Report = ResultsReportTests.Report;

    [Fact]
    public void Markdown_MainTable_BoldBestDaggerWithinAndN()
    {
        var md = new MarkdownReportWriter().Write(Report);

        Assert.Contains("## synth (mlp)", md);
        Assert.Contains("| method | a | b | a+b |", md);
        Assert.Contains("| aft | **86.0 ± 0.6** | **81.0 ± 1.0 (n=2)** | **90.0 ± 1.2** |", md);
        Assert.Contains("| kd | 85.5 ± 0.0† | 79.0 ± 0.0 | 89.0 ± 0.0† |", md);
        Assert.Contains("| stl | 72.0 ± 1.2 | 72.0 ± 1.2 | 72.0 ± 1.2 |", md);
        Assert.Contains("| aft-identity | 84.0 ± 0.0 | – | – |", md);
        Assert.Contains("stl and scratch coincide", md);
        Assert.Contains("| aft | b | 0.1 | 100 | **0.1: 82.0** · 1: 82.0 · 10: 79.0 | widen the grid: lowest λ chosen |", md);
        Assert.Contains("| aft | +48.8% | +50.0% | +32.1% | +64.3% |", md);
        Assert.Contains("| aft | a+b | a | features:/data/a | 4 | 2.00 | 0.500 |", md);
        Assert.Contains("aft-b-0.1-2-final", md);
        Assert.Contains("### Ablations", md);
    }

    [Fact]
    public void Csv_EveryRow_HasHeaderColumnCountAndRightCells()
    {
        var lines = new CsvReportWriter().Write(Report).TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var header = lines[0].Split(',');
        Assert.Equal(CsvReportWriter.Header, header);

        var rows = lines.Skip(1).Select(ParseCsvLine).ToList();
        Assert.All(rows, r => Assert.Equal(header.Length, r.Count));
        // 3 columns x (stl, scratch, linear-probe, aft, kd) + aft-identity on [a] only.
        Assert.Equal(16, rows.Count);

        string Field(List<string> row, string name) => row[Array.IndexOf(header, name)];
        var aftB = rows.Single(r => Field(r, "method") == "aft" && Field(r, "combo") == "b");
        Assert.Equal("2", Field(aftB, "n"));
        Assert.Equal("true", Field(aftB, "flagged"));
        Assert.Equal(0.81, double.Parse(Field(aftB, "mean"), System.Globalization.CultureInfo.InvariantCulture), 12);
        Assert.Equal("0.1", Field(aftB, "chosen_lambda"));
        Assert.Equal("true", Field(aftB, "best"));
        Assert.Equal("1", Field(aftB, "failed_trials"));
        Assert.Equal("0:0.8;1:0.82", Field(aftB, "seed_accuracies"));
        var kdA = rows.Single(r => Field(r, "method") == "kd" && Field(r, "combo") == "a");
        Assert.Equal("true", Field(kdA, "within_one_se"));
        var aftAb = rows.Single(r => Field(r, "method") == "aft" && Field(r, "combo") == "a+b");
        Assert.Equal("a:2;b:0.5", Field(aftAb, "rho_sum_by_teacher"));
    }

    [Fact]
    public void Latex_MainTable_BooktabsAndTextbfOnBest()
    {
        var tex = new LatexReportWriter().Write(Report);

        Assert.Contains("\\toprule", tex);
        Assert.Contains("\\midrule", tex);
        Assert.Contains("\\bottomrule", tex);
        Assert.Contains("Method & a & b & a+b \\\\", tex);
        Assert.Contains("aft & \\textbf{86.0 $\\pm$ 0.6} & \\textbf{81.0 $\\pm$ 1.0 (n=2)} & \\textbf{90.0 $\\pm$ 1.2} \\\\", tex);
        Assert.Contains("kd & 85.5 $\\pm$ 0.0$^\\dagger$ & 79.0 $\\pm$ 0.0 & 89.0 $\\pm$ 0.0$^\\dagger$ \\\\", tex);
        Assert.Equal(tex.Split("\\begin{tabular}").Length, tex.Split("\\end{tabular}").Length);
    }

    [Fact]
    public void Latex_SpecialCharacters_Escaped()
    {
        Assert.Equal("a\\_b \\& c\\%", LatexReportWriter.Escape("a_b & c%"));
    }

    [Fact]
    public void Json_Report_ParsesBackWithCells()
    {
        var json = new JsonReportWriter().Write(Report);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;

        Assert.Equal(2, root.GetProperty("schema").GetInt32());
        Assert.Equal("aftsweep.results", root.GetProperty("kind").GetString());
        var dataset = root.GetProperty("datasets")[0];
        Assert.Equal("synth", dataset.GetProperty("dataset").GetString());
        Assert.True(dataset.GetProperty("stlEqualsScratch").GetBoolean());
        var main = dataset.GetProperty("main");
        Assert.Equal(["a", "b", "a+b"], main.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        var aft = main.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("method").GetString() == "aft");
        var aftB = aft.GetProperty("cells")[1];
        Assert.Equal(0.81, aftB.GetProperty("mean").GetDouble(), 12);
        Assert.Equal(0.01, aftB.GetProperty("standardError").GetDouble(), 12);
        Assert.Equal(2, aftB.GetProperty("n").GetInt32());
        Assert.True(aftB.GetProperty("flagged").GetBoolean());
        Assert.True(aftB.GetProperty("best").GetBoolean());
        var identity = main.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("method").GetString() == "aft-identity");
        Assert.Equal(JsonValueKind.Null, identity.GetProperty("cells")[1].ValueKind);

        var back = JsonSerializer.Deserialize<ResultsReport>(json, JsonReportWriter.Options)!;
        Assert.Equal(Report.Datasets[0].Main.Cell("kd", "a")!.WithinOneSe, back.Datasets[0].Main.Cell("kd", "a")!.WithinOneSe);
    }

    [Fact]
    public void Markdown_PairedComparisons_DifferenceIntervalAndVerdictInPoints()
    {
        var md = new MarkdownReportWriter().Write(Report);

        Assert.Contains("### Paired comparisons", md);
        // aft|a - stl: 0.15, 0.14, 0.13 -> +14.0 +- t(2) * 0.577 = [+11.5, +16.5]; aft|a - kd|a: +0.5 [-2.0, +3.0].
        Assert.Contains("| a | aft − stl | 3 | +14.0 | [+11.5, +16.5] | **resolved: aft ahead** |", md);
        Assert.Contains("| a | aft − kd | 3 | +0.5 | [-2.0, +3.0] | not resolved |", md);
        Assert.Contains("| a | aft − best other (kd) | 3 | +0.5 | [-2.0, +3.0] | not resolved |", md);
        Assert.Contains("| a | aft − aft-identity | 3 | +2.0 | [-0.5, +4.5] | not resolved |", md);
        Assert.Contains("| b | aft − kd | 2 | +2.0 | [-10.7, +14.7] | not resolved |", md);
        Assert.Contains("widen the grid): aft|b lambda 0.1 (lowest of 0.1, 1, 10), aft|a+b lambda 10 (highest of 1, 10)", md);
        Assert.Contains("### Linear probe", md);
        Assert.Contains("| a+b | 78.0 | – | – | – |  |", md); // records without a probe (schema 1): accuracy only
    }

    [Fact]
    public void Markdown_OneSeed_NoIntervalNeverResolved()
    {
        var records = SyntheticSweep.Build().Where(r => r.Spec.Stage == Contracts.Trials.TrialStage.Selection || r.Spec.Seed == 0).ToList();
        var report = ResultsReportBuilder.Build(Contracts.Protocol.SweepAggregator.Aggregate(records));
        var md = new MarkdownReportWriter().Write(report);

        Assert.Contains("| a | aft − stl | 1 | +15.0 | – | not resolved (n=1: no interval) |", md);
        Assert.DoesNotContain("resolved: aft", md);
        Assert.Contains("no interval can be computed and nothing is resolved", md);
    }

    [Fact]
    public void Markdown_ProbeRecords_ChosenL2HoldoutRowsConvergenceAndEdge()
    {
        var records = SyntheticSweep.Build();
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].Spec.Method == Contracts.Methods.MethodId.LinearProbe && records[i].Spec.ComboKey == "a")
                records[i] = records[i] with { Result = records[i].Result! with { Probe = PairedComparisonTests.Probe(1e-6, 30, converged: records[i].Spec.Seed != 2) } };
        }
        var report = ResultsReportBuilder.Build(Contracts.Protocol.SweepAggregator.Aggregate(records));

        var md = new MarkdownReportWriter().Write(report);
        Assert.Contains("| a | 75.0 | 1e-06 | 90 | 2 of 3 seeds | widen the grid: lowest L2 chosen |", md);
        Assert.Contains("linear-probe|a: the logistic regression did not converge for 1 of 3 seeds", md);
        var cell = report.Datasets[0].Main.Cell("linear-probe", "a")!;
        Assert.Equal(1e-6, cell.ProbeL2);
        Assert.Equal(90, cell.HoldoutRows);
        Assert.True(cell.LambdaAtEdge);
        var tex = new LatexReportWriter().Write(report);
        Assert.Contains("a & 75.0 & 1e-06$^\\ast$ & 90 & 2 of 3 \\\\", tex);
    }

    [Fact]
    public void Csv_AftRows_CarryTheirComparisons()
    {
        var lines = new CsvReportWriter().Write(Report).TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(ParseCsvLine).ToList();
        string Field(List<string> row, string name) => row[Array.IndexOf(header, name)];

        var aftA = rows.Single(r => Field(r, "method") == "aft" && Field(r, "combo") == "a");
        Assert.Equal("3", Field(aftA, "vs_stl_n"));
        Assert.Equal(0.14, double.Parse(Field(aftA, "vs_stl_diff"), System.Globalization.CultureInfo.InvariantCulture), 12);
        Assert.Equal("true", Field(aftA, "vs_stl_resolved"));
        Assert.Equal("false", Field(aftA, "vs_kd_resolved"));
        Assert.Equal("kd", Field(aftA, "best_other"));
        Assert.Equal("100", Field(aftA, "holdout_rows"));
        Assert.Equal("", Field(aftA, "lambda_edge"));
        var aftB = rows.Single(r => Field(r, "method") == "aft" && Field(r, "combo") == "b");
        Assert.Equal("lowest", Field(aftB, "lambda_edge"));
        var kdA = rows.Single(r => Field(r, "method") == "kd" && Field(r, "combo") == "a");
        Assert.Equal("", Field(kdA, "vs_stl_n"));
        Assert.Equal("highest", Field(kdA, "lambda_edge"));
    }

    [Fact]
    public void Latex_PairedComparisonsTable()
    {
        var tex = new LatexReportWriter().Write(Report);
        Assert.Contains("a & aft - stl & 3 & +14.0 & [+11.5, +16.5] & resolved: aft ahead \\\\", tex);
        Assert.Contains("b & aft - best other (kd) & 2 & +2.0 & [-10.7, +14.7] & not resolved \\\\", tex);
        Assert.Contains("aft & b & 0.1$^\\ast$ & 100 &", tex);
        Assert.Equal(tex.Split("\\begin{tabular}").Length, tex.Split("\\end{tabular}").Length);
    }

    [Fact]
    public void Json_ComparisonsProbeAndEdges_MachineReadable()
    {
        using var document = JsonDocument.Parse(new JsonReportWriter().Write(Report));
        var dataset = document.RootElement.GetProperty("datasets")[0];

        var vsStl = dataset.GetProperty("comparisons").EnumerateArray()
            .Single(c => c.GetProperty("combo").GetString() == "a" && c.GetProperty("role").GetString() == "stl");
        Assert.Equal("aft", vsStl.GetProperty("method").GetString());
        Assert.Equal("stl", vsStl.GetProperty("baseline").GetString());
        Assert.Equal(3, vsStl.GetProperty("n").GetInt32());
        Assert.Equal(0.14, vsStl.GetProperty("meanDifference").GetDouble(), 12);
        Assert.Equal(0.14 - 4.302652729911275 * 0.01 / Math.Sqrt(3), vsStl.GetProperty("ciLow").GetDouble(), 9);
        Assert.True(vsStl.GetProperty("resolved").GetBoolean());
        var bestOther = dataset.GetProperty("comparisons").EnumerateArray()
            .Single(c => c.GetProperty("combo").GetString() == "b" && c.GetProperty("role").GetString() == "best-other");
        Assert.Equal("kd", bestOther.GetProperty("baseline").GetString());
        Assert.False(bestOther.GetProperty("resolved").GetBoolean());

        var probe = dataset.GetProperty("linearProbe").EnumerateArray().Single(p => p.GetProperty("combo").GetString() == "a+b");
        Assert.Equal(0.78, probe.GetProperty("mean").GetDouble(), 12);

        var aftB = dataset.GetProperty("main").GetProperty("rows").EnumerateArray()
            .Single(r => r.GetProperty("method").GetString() == "aft").GetProperty("cells")[1];
        Assert.True(aftB.GetProperty("lambdaAtEdge").GetBoolean());
        Assert.Equal("lowest", aftB.GetProperty("lambdaEdge").GetString());
        Assert.Equal(100, aftB.GetProperty("holdoutRows").GetInt32());
        Assert.Equal("lowest", dataset.GetProperty("lambdas").EnumerateArray()
            .Single(l => l.GetProperty("method").GetString() == "aft" && l.GetProperty("combo").GetString() == "b").GetProperty("edge").GetString());
    }

    [Theory]
    [InlineData("md", ReportFormat.Markdown)]
    [InlineData("LaTeX", ReportFormat.Latex)]
    [InlineData("json", ReportFormat.Json)]
    public void ReportFormats_Names_Parse(string name, ReportFormat expected) => Assert.Equal(expected, ReportFormats.Parse(name));

    [Fact]
    public void ReportFormats_UnknownName_ErrorListsFormats()
    {
        var e = Assert.Throws<ReportInputException>(() => ReportFormats.Parse("xlsx"));
        Assert.Contains("md, csv, latex, json", e.Message);
    }

    /// <summary>RFC 4180 reader for one line (no embedded newlines in these fields).</summary>
    private static List<string> ParseCsvLine(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(ch);
            }
        }

        fields.Add(current.ToString());
        return fields;
    }
}
