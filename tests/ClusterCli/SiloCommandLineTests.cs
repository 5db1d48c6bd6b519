using System.Diagnostics;
using AftSweep.Client.Cluster;
using AftSweep.Silo.Configuration;
using AftSweep.Tests.Infrastructure;
using AftSweep.Tests.Observability;

namespace AftSweep.Tests.ClusterCli;

/// <summary>
/// The built `aftsweep-silo` as a user starts it: --help and --version exit 0 without starting a silo; a switch it does
/// not know, a value of the wrong type (on the command line or in the environment), or a cluster it cannot join is one
/// line on stderr and exit 2, with no stack trace.
/// </summary>
public sealed class SiloCommandLineTests
{
    [Fact]
    public async Task Help_PrintsEverySwitchAndExits0WithoutStarting()
    {
        var clock = Stopwatch.StartNew();
        var (code, stdout, stderr) = await RunSiloAsync(["--help"]);

        Assert.True(code == 0, stderr);
        Assert.StartsWith("aftsweep-silo: an AftSweep silo", stdout);
        foreach (var s in SiloSwitches.All) Assert.Contains($"  {s.Name} {s.ValueName}", stdout);
        Assert.Contains("Section__Key", stdout);
        Assert.Empty(stderr); // nothing started, so nothing logged
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60));
        var version = await RunSiloAsync(["--version"]);
        Assert.Equal(0, version.Code);
        Assert.Matches(@"^aftsweep-silo \d+\.\d+\.\d+\s*$", version.Out);
    }

    [Theory]
    [InlineData(new[] { "--silo-prt", "5" }, "error: --silo-prt: not a setting of aftsweep-silo; did you mean '--silo-port'?")]
    [InlineData(new[] { "--silo-port", "abc" }, "error: --silo-port: 'abc' is not a whole number")]
    [InlineData(new[] { "--trial-timeout=5x" }, "error: --trial-timeout: '5x' is not a duration (hh:mm:ss, e.g. 00:00:30)")]
    [InlineData(new[] { "--state-store", "Cloud" }, "error: --state-store: 'Cloud' is not one of Local, Sqlite, Azure, Postgres")]
    [InlineData(new[] { "--feature-store", "x" }, "error: --feature-store: renamed to --store (the same name the aftsweep client uses)")]
    [InlineData(new[] { "--Cluster:SiloPrt=1" }, "error: --Cluster:SiloPrt: not a setting of aftsweep-silo; did you mean '--Cluster:SiloPort'?")]
    [InlineData(new[] { "grid.json" }, "error: 'grid.json': unexpected argument; settings are --switch VALUE or --Section:Key=VALUE (aftsweep-silo --help)")]
    public async Task BadCommandLine_Exit2WithOneLine(string[] args, string expected)
    {
        var (code, stdout, stderr) = await RunSiloAsync(args);

        Assert.Equal(2, code);
        Assert.Equal(expected, stderr.Trim());
        Assert.Empty(stdout.Trim());
    }

    [Fact]
    public async Task StoreGivenAStateStoreMode_Exit2SayingWhichSwitchIsWhich()
    {
        var (code, _, stderr) = await RunSiloAsync(["--store", "Azure"]);

        Assert.Equal(2, code);
        Assert.Contains("--store is the feature store", stderr);
        Assert.Contains("the state store is --state-store", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task BadValueInTheEnvironment_Exit2NamingTheKeyAndItsSwitch()
    {
        var (code, _, stderr) = await RunSiloAsync([], new() { ["Cluster__SiloPort"] = "abc", ["Workers__SlotsPerDevic"] = "2" });

        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("Cluster:SiloPort (--silo-port): 'abc' is not a whole number", line);
        Assert.Contains("Workers:SlotsPerDevic: not a setting of the silo; did you mean Workers:SlotsPerDevice?", line);
    }

    [Fact]
    public async Task NotThePrimary_AndNoPrimaryListening_Exit2NamingThePortAndTheSwitch()
    {
        using var temp = new TempDirectory();
        var ports = FreePorts.Take(4);

        var clock = Stopwatch.StartNew();
        var (code, _, stderr) = await RunSiloAsync(["--silo-port", $"{ports[0]}", "--primary-silo-port", $"{ports[1]}", "--gateway-port", $"{ports[2]}",
            "--http-port", $"{ports[3]}", "--state", temp.Sub("state"), "--devices=", "--join-timeout", "00:00:02"]);

        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Trim().Split('\n'));
        Assert.StartsWith($"error: cannot reach the primary silo at 127.0.0.1:{ports[1]} (set by --primary-silo-port) within 2 s", line);
        Assert.Contains($"pass --primary-silo-port {ports[0]} to make this silo the primary", line);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task MembershipStoreUnreachable_Exit2NamingTheStoreAndTheSetting()
    {
        using var temp = new TempDirectory();
        var ports = FreePorts.Take(4);
        const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint=http://127.0.0.1:{ports[3]}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{ports[3]}/devstoreaccount1;";

        var (code, stdout, stderr) = await RunSiloAsync(["--clustering", "Azure", "--silo-port", $"{ports[0]}", "--gateway-port", $"{ports[1]}", "--http-port", $"{ports[2]}",
            "--state", temp.Sub("state"), "--devices=", "--join-timeout", "00:00:10"], new() { ["Cluster__AzureStorageConnectionString"] = connection });

        Assert.Equal(2, code);
        var last = stderr.Trim().Split('\n')[^1];
        Assert.StartsWith("error: could not start the silo: membership table 'AftSweepCluster' in the Azure Storage account of Cluster:AzureStorageConnectionString", last);
        Assert.Contains("Connection refused", last);
        Assert.DoesNotContain(Key, stdout + stderr);
    }

    private static async Task<(int Code, string Out, string Err)> RunSiloAsync(string[] args, Dictionary<string, string>? environment = null)
    {
        using var temp = new TempDirectory();
        var start = ChildProcess.Start("dotnet", temp.Path, [SiloProcess.FindBuiltSilo(), .. args]);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in environment ?? []) start.Environment[name] = value;
        var result = await ChildProcess.RunAsync(start, TimeSpan.FromSeconds(120));
        return (result.Code, result.Stdout, result.Stderr);
    }
}
