using AftSweep.Client.Commands;
using AftSweep.Client.Commands.CommandLine;
using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.EndToEnd;

/// <summary>
/// `aftsweep` refuses a command line it cannot honour before running anything: an unknown option or a value of the
/// wrong type is one line naming the option and the closest valid one, exit 2, nothing written. The built tool as a
/// process for what a user types; the catalog check for every option of every verb.
/// </summary>
public sealed class StrictCommandLineTests
{
    private static string Quickstart => Path.Combine(RepositoryRoot.Find(), "examples", "quickstart.json");

    public static TheoryData<string> EveryVerb => new(AftSweepApp.Verbs.Verbs.Select(v => v.Path).Order(StringComparer.Ordinal));

    /// <summary>Help texts are Spectre markup: a literal "[CLS]" in a description once made `bench step --help` an error.</summary>
    [Theory]
    [MemberData(nameof(EveryVerb))]
    public async Task Help_EveryVerb_Exits0WithUsage(string verb)
    {
        using var temp = new TempDirectory();
        var (code, stdout, stderr) = await ToolProcess.RunAsync(temp.Path, [.. verb.Split(' '), "--help"]);

        Assert.True(code == ExitCodes.Ok, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Contains($"aftsweep {verb}", stdout, StringComparison.Ordinal);
        Assert.Empty(stderr);
    }

    [Fact]
    public async Task Process_UnknownOption_Exit2NamingItAndTheValidOnes_NothingRun()
    {
        using var temp = new TempDirectory();

        var (code, stdout, stderr) = await ToolProcess.RunAsync(temp.Path, "validate", Quickstart, "--frob");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Empty(stdout); // no "valid"
        Assert.Equal("error: --frob: not an option of `aftsweep validate`; its options are --max-trials", stderr.Trim());
    }

    [Fact]
    public async Task Process_RunWithATypo_Exit2SuggestingTheOption_AndWritesNothing()
    {
        using var temp = new TempDirectory();
        var grid = TinyGrids.Write(temp.Path, "strict", teachers: new { n4 = "noise:4" }, combos: new[] { new[] { "n4" } },
            methods: new Dictionary<string, object> { ["stl"] = new { } }, seeds: [0]);

        var (code, stdout, stderr) = await ToolProcess.RunAsync(temp.Path, "run", grid, "--slot", "2", "--state", temp.Sub("state"), "--out", temp.Sub("out"));

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Empty(stdout);
        Assert.Equal("error: --slot: not an option of `aftsweep run`; did you mean '--slots'?", stderr.Trim());
        Assert.False(Directory.Exists(temp.Sub("state")));
        Assert.False(Directory.Exists(temp.Sub("out")));
        Assert.Equal([grid], Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task Process_WrongTypedValuesAndMisspeltFormat_Exit2WithOneLineEach()
    {
        using var temp = new TempDirectory();

        var plan = await ToolProcess.RunAsync(temp.Path, "plan", Quickstart, "--max-trials", "abc");
        var results = await ToolProcess.RunAsync(temp.Path, "results", temp.Path, "--fromat", "csv");
        var missing = await ToolProcess.RunAsync(temp.Path, "status", "--interval");

        Assert.Equal((ExitCodes.BadInput, "error: --max-trials: 'abc' is not a whole number"), (plan.Code, plan.Error.Trim()));
        Assert.Equal((ExitCodes.BadInput, "error: --fromat: not an option of `aftsweep results`; did you mean '--format'?"), (results.Code, results.Error.Trim()));
        Assert.Equal(ExitCodes.BadInput, missing.Code);
        Assert.StartsWith("error: --interval: needs a value (SECONDS)", missing.Error.Trim());
        Assert.All(new[] { plan.Out, results.Out, missing.Out }, Assert.Empty);
    }

    [Fact]
    public async Task Process_VersionFlagAndVerb_PrintTheToolAndLibraryVersions()
    {
        using var temp = new TempDirectory();

        var flag = await ToolProcess.RunAsync(temp.Path, "--version");
        var verb = await ToolProcess.RunAsync(temp.Path, "version");
        var json = await ToolProcess.RunAsync(temp.Path, "version", "--json");

        Assert.Equal(0, flag.Code);
        Assert.Matches(@"^aftsweep \d+\.\d+\.\d+\s*$", flag.Out);
        Assert.Equal(0, verb.Code);
        Assert.Matches(@"^aftsweep \d+\.\d+\.\d+ \(trials [^,]+, extractor [^)]+\)", verb.Out);
        foreach (var library in new[] { "TorchSharp", "libtorch", "onnxruntime", "orleans", "dotnet" })
            Assert.Matches($@"\n  {library}\s+\d+\.\d+", verb.Out);
        Assert.Equal(0, json.Code);
        var versions = System.Text.Json.JsonDocument.Parse(json.Out).RootElement;
        Assert.Matches(@"^\d+\.\d+\.\d+", versions.GetProperty("orleans").GetString());
    }

    [Fact]
    public void Catalog_EveryOptionOfEveryVerb_IsAcceptedWithAValueOfItsType_AndATypoOfItIsRefusedNamingIt()
    {
        var verbs = AftSweepApp.Verbs.Verbs;
        Assert.Contains(verbs, v => v.Path == "features extract");
        Assert.True(verbs.Count >= 15, string.Join(", ", verbs.Select(v => v.Path)));
        foreach (var verb in verbs)
        {
            foreach (var option in verb.Options)
            {
                string[] args = option.IsFlag ? [.. verb.Path.Split(' '), option.Name] : [.. verb.Path.Split(' '), option.Name, Sample(option.Type)];
                StrictCommandLine.Check(args, AftSweepApp.Verbs); // must not throw

                var name = option.LongNames[0];
                if (name.Length < 5) continue; // too short for a one-letter typo to be unambiguous
                var typo = "--" + name[..^1];
                if (verb.Find(typo) is not null) continue;
                var e = Assert.Throws<CommandLineException>(() => StrictCommandLine.Check([.. verb.Path.Split(' '), typo], AftSweepApp.Verbs));
                Assert.Contains($"did you mean '--{name}'", e.Message);
            }
        }
    }

    [Fact]
    public void Check_ValueThatLooksLikeAnOption_IsMissingTheValue_ButNegativeNumbersAreValues()
    {
        Assert.Throws<CommandLineException>(() => StrictCommandLine.Check(["run", "g.json", "--out", "--slots", "2"], AftSweepApp.Verbs));
        StrictCommandLine.Check(["status", "abcdef01", "--interval", "-1"], AftSweepApp.Verbs); // Validate() rejects it later, with its range
        StrictCommandLine.Check(["results", "x", "--format=csv"], AftSweepApp.Verbs);
        StrictCommandLine.Check(["run", "g.json", "--", "--anything"], AftSweepApp.Verbs);
        var flag = Assert.Throws<CommandLineException>(() => StrictCommandLine.Check(["plan", "g.json", "--json=maybe"], AftSweepApp.Verbs));
        Assert.Contains("--json: is a flag", flag.Message);
    }

    private static string Sample(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsEnum ? Enum.GetNames(t)[0] : t == typeof(string) ? "x" : t == typeof(TimeSpan) ? "00:00:01" : "1";
    }
}
