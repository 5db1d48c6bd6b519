using System.Security.Cryptography;
using System.Text;
using AftSweep.Client.Commands;
using AftSweep.Infra.Database;
using AftSweep.Infra.Records;
using AftSweep.Tests.EndToEnd;
using AftSweep.Tests.Infrastructure;
using AftSweep.Tests.Reporting;

namespace AftSweep.Tests.Database;

/// <summary>`results` reads a state folder: its SQLite database, or the record journals an earlier AftSweep left (without importing them).</summary>
public sealed class ResultsFromStateFolderTests
{
    [Fact]
    public async Task Results_OnStateFolderOrItsDatabaseFile_ReadsTheRecords()
    {
        using var temp = new TempDirectory("aftsweep-db-");
        var state = temp.Sub("state");
        await using (var lease = StateDatabases.Sqlite(state, flushToDisk: false))
        {
            var store = new DatabaseRecordStore(lease.Database);
            foreach (var record in SyntheticSweep.Build()) await store.WriteAsync(record with { Spec = record.Spec with { Id = Hash(record.Spec.Id) } });
        }

        var folder = await CliRun.InvokeAsync("results", state, "--format", "csv");
        var file = await CliRun.InvokeAsync("results", Path.Combine(state, "aftsweep.db"), "--format", "csv");

        Assert.True(folder.ExitCode == ExitCodes.Ok, folder.ToString());
        Assert.Contains("aft", folder.Out);
        Assert.Equal(folder.Out, file.Out);
    }

    [Fact]
    public async Task Results_OnDatabaseWithTwoSweeps_Exit2NamingThem()
    {
        using var temp = new TempDirectory("aftsweep-db-");
        var state = temp.Sub("state");
        await using (var lease = StateDatabases.Sqlite(state, flushToDisk: false))
        {
            var store = new DatabaseRecordStore(lease.Database);
            var one = SyntheticSweep.Build()[0];
            await store.WriteAsync(one with { SweepId = "sweep-a", Spec = one.Spec with { Id = Hash("a") } });
            await store.WriteAsync(one with { SweepId = "sweep-b", Spec = one.Spec with { Id = Hash("b") } });
        }

        var run = await CliRun.InvokeAsync("results", state);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("holds records of 2 sweeps: sweep-a ", run.Error);
        Assert.Contains("; sweep-b ", run.Error);
        Assert.Contains("--sweep", run.Error);
    }

    [Fact]
    public async Task Results_OnLegacyStateFolder_ReadsItsRecordJournalsWithoutImporting()
    {
        using var temp = new TempDirectory("aftsweep-db-");
        var fixture = Path.Combine(RepositoryRoot.Find(), "tests", "Fixtures", "legacy-state-v1", "state");
        var state = temp.Sub("state");
        foreach (var file in Directory.EnumerateFiles(fixture, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(state, Path.GetRelativePath(fixture, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        var run = await CliRun.InvokeAsync("results", state, "--format", "json");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Contains("\"stl\"", run.Out);
        Assert.False(File.Exists(Path.Combine(state, "aftsweep.db")), "a reader must not upgrade the folder");
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
