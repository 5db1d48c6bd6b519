using System.Text.Json;
using AftSweep.Client.Commands;
using AftSweep.Client.Commands.Plot;
using AftSweep.Client.Commands.Results;
using AftSweep.Client.Reporting;
using AftSweep.Client.Reporting.Records;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;

namespace AftSweep.Tests.Reporting;

public sealed class ReportingCommandTests : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("aftsweep-results-");

    public void Dispose() => folder.Delete(recursive: true);

    private string WriteRecords(IEnumerable<TrialRecord> records)
    {
        var dir = Path.Combine(folder.FullName, "records");
        foreach (var record in records)
        {
            TrialRecordJson.WriteFile(Path.Combine(dir, $"{record.Spec.Id}.json"), record);
        }

        return dir;
    }

    private sealed class InMemorySource(IReadOnlyList<TrialRecord> records) : ITrialRecordSource
    {
        public Task<IReadOnlyList<TrialRecord>> LoadAsync(string target, CancellationToken cancellationToken) => Task.FromResult(records);
    }

    [Fact]
    public async Task FolderSource_WrittenRecords_LoadsEveryOne()
    {
        var records = SyntheticSweep.Build();
        var dir = WriteRecords(records);

        var loaded = await new FolderTrialRecordSource().LoadAsync(dir, CancellationToken.None);

        Assert.Equal(records.Count, loaded.Count);
        Assert.Equal(records.Select(r => r.Spec.Id).Order(), loaded.Select(r => r.Spec.Id).Order());
    }

    [Fact]
    public async Task FolderSource_TwoSweeps_ErrorNamesBoth()
    {
        var records = SyntheticSweep.Build();
        records[0] = records[0] with { SweepId = "other-sweep" };
        var dir = WriteRecords(records);

        var e = await Assert.ThrowsAsync<ReportInputException>(() => new FolderTrialRecordSource().LoadAsync(dir, CancellationToken.None));
        Assert.Contains("other-sweep", e.Message);
        Assert.Contains(SyntheticSweep.SweepId, e.Message);
    }

    [Fact]
    public async Task FolderSource_BrokenFile_ErrorNamesFile()
    {
        var dir = WriteRecords(SyntheticSweep.Build().Take(2));
        var broken = Path.Combine(dir, "broken.json");
        await File.WriteAllTextAsync(broken, "{\"schema\": 1, \"sweepId\": ");

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => new FolderTrialRecordSource().LoadAsync(dir, CancellationToken.None));
        Assert.StartsWith(broken, e.Message);
    }

    [Fact]
    public async Task ResultsCommand_InjectedSource_PrintsMarkdownTable()
    {
        var output = new StringWriter();
        var command = new ResultsCommand(new InMemorySource(SyntheticSweep.Build())) { Output = output, Errors = new StringWriter() };

        var code = await command.RunAsync(new ResultsCommand.Settings { Targets = ["sweep-synth"] }, CancellationToken.None);

        Assert.Equal(0, code);
        Assert.Contains("| aft | **86.0 ± 0.6** | **81.0 ± 1.0 (n=2)** | **90.0 ± 1.2** |", output.ToString());
    }

    [Fact]
    public async Task ResultsCommand_UnknownFormat_ExitCode2WithMessage()
    {
        var errors = new StringWriter();
        var command = new ResultsCommand(new InMemorySource(SyntheticSweep.Build())) { Output = new StringWriter(), Errors = errors };

        var code = await command.RunAsync(new ResultsCommand.Settings { Targets = ["x"], Format = "xlsx" }, CancellationToken.None);

        Assert.Equal(2, code);
        Assert.Contains("--format: 'xlsx'", errors.ToString());
    }

    [Fact]
    public async Task App_ResultsVerbOnRecordsFolder_WritesJsonFile()
    {
        var dir = WriteRecords(SyntheticSweep.Build());
        var file = Path.Combine(folder.FullName, "out", "results.json");

        var code = await AftSweepApp.RunAsync(["results", dir, "--out", file]);

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(file));
        Assert.Equal("synth", json.RootElement.GetProperty("datasets")[0].GetProperty("dataset").GetString());
    }

    [Fact]
    public async Task App_ResultsVerbOnMissingFolder_ExitCode2()
    {
        Assert.Equal(2, await AftSweepApp.RunAsync(["results", Path.Combine(folder.FullName, "nope")]));
    }

    [Fact]
    public async Task App_PlotVerbWithoutKind_ExitCode2()
    {
        var dir = WriteRecords(SyntheticSweep.Build());
        Assert.Equal(2, await AftSweepApp.RunAsync(["plot", dir, "--out", Path.Combine(folder.FullName, "x.png")]));
    }

    [Fact]
    public async Task App_PlotVerbUnknownComboOrKind_ExitCode2NamingTheChoices_NothingWritten()
    {
        var dir = WriteRecords(SyntheticSweep.Build());
        var file = Path.Combine(folder.FullName, "curves.png");

        var combo = await EndToEnd.CliRun.InvokeAsync("plot", dir, "--kind", "learning-curves", "--combo", "foo", "--out", file);
        var kind = await EndToEnd.CliRun.InvokeAsync("plot", dir, "--kind", "curves", "--out", file);

        Assert.Equal(2, combo.ExitCode);
        Assert.Equal("error: --combo: 'foo' is not a teacher combo of these records; choose one of a, a+b, b", combo.Error.Trim());
        Assert.Equal(2, kind.ExitCode);
        Assert.Equal("error: --kind: 'curves' is not a plot kind (expected one of lp-correlation, noise-robustness, learning-curves)", kind.Error.Trim());
        Assert.False(File.Exists(file));
    }

    [Fact]
    public async Task App_PlotVerb_WritesPng()
    {
        var dir = WriteRecords(SyntheticSweep.BuildWithNoise());
        var file = Path.Combine(folder.FullName, "noise.png");

        var code = await AftSweepApp.RunAsync(["plot", dir, "--kind", "noise-robustness", "--out", file]);

        Assert.Equal(0, code);
        Assert.Equal(0x89, File.ReadAllBytes(file)[0]);
    }

    [Fact]
    public async Task PlotCommand_NoLinearProbe_ExitCode2NamingWhatIsMissing()
    {
        var errors = new StringWriter();
        var records = SyntheticSweep.Build().Where(r => r.Spec.Method != MethodId.LinearProbe).ToList();
        var command = new PlotCommand(new InMemorySource(records)) { Errors = errors };

        var code = await command.RunAsync(
            new PlotCommand.Settings { Target = "x", Kind = "lp-correlation", Out = Path.Combine(folder.FullName, "lp.png") },
            CancellationToken.None);

        Assert.Equal(2, code);
        Assert.Contains("linear-probe", errors.ToString());
        Assert.False(File.Exists(Path.Combine(folder.FullName, "lp.png")));
    }
}
