using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using AftSweep.Client.Commands;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;
using AftSweep.Infra.Database;
using AftSweep.Infra.Database.Legacy;
using AftSweep.Infra.Database.Sqlite;
using AftSweep.Infra.Records;
using AftSweep.Tests.Cluster.Support;
using AftSweep.Tests.EndToEnd;
using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.Database;

/// <summary>
/// A state folder written by the segment-journal storage of earlier versions (tests/Fixtures/legacy-state-v1: a run of
/// its grid killed after 6 of 8 trials, one more leased) upgrades in place: imported into aftsweep.db on first open,
/// once, with a message, and the sweep resumes without re-running what had finished.
/// </summary>
public sealed class LegacyImportTests
{
    private const string FixtureSweep = "b184b2e397020933c92db3d0ef59502e";

    private static string FixtureFolder => Path.Combine(RepositoryRoot.Find(), "tests", "Fixtures", "legacy-state-v1");

    private static string CopyFixtureState(TempDirectory temp)
    {
        var target = temp.Sub("state");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(FixtureFolder, "state"), "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(Path.Combine(FixtureFolder, "state"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        return target;
    }

    [Fact]
    public async Task Open_LegacyFolder_ImportsEveryStateAndRecordOnce_ThenNeverAgain()
    {
        using var temp = new TempDirectory("aftsweep-legacy-");
        var state = CopyFixtureState(temp);
        var legacyRecords = new LegacyStateFolder(state).Records().ToDictionary(r => r.Spec.Id, RecordJson.SerializeCompact);

        LegacyImportReport? report;
        await using (var lease = StateDatabases.Sqlite(state, flushToDisk: false))
        {
            await lease.Database.EnsureReadyAsync();
            report = ((SqliteStateDatabase)lease.Database).Imported;
        }

        Assert.NotNull(report);
        // What the fixture holds: the dispatcher, the registry, the sweep and its plan, 2 feature sets, 7 trials (6 done, 1 leased).
        Assert.Equal(13, report.GrainStates);
        Assert.Equal(6, report.Records);
        Assert.Equal(1, report.Sweeps);
        Assert.Empty(report.Skipped);
        Assert.Contains("imported the state folder", report.Describe());
        Assert.Equal(6, legacyRecords.Count);
        var imported = await StateFolderRecords.ListAsync(state, FixtureSweep);
        Assert.Equal(legacyRecords.Keys.Order(), imported.Select(r => r.Spec.Id).Order());
        Assert.All(imported, r => Assert.Equal(legacyRecords[r.Spec.Id], RecordJson.SerializeCompact(r)));
        Assert.Equal(7, StateFolderRecords.GrainStates(state, "trial"));
        // The sweep was registered from its plan: its records carry the grid's name.
        Assert.Equal(6, StateFolderRecords.Query(state, "SELECT COUNT(*) FROM trial_records WHERE sweep_id = @sweep AND grid_name = 'legacy-state'", FixtureSweep));

        // Opened again (and by two instances at once, as two processes would): nothing is imported a second time.
        await using var again = StateDatabases.Sqlite(state, flushToDisk: false);
        await using var other = StateDatabases.Sqlite(state, flushToDisk: true);
        await Task.WhenAll(again.Database.EnsureReadyAsync(), other.Database.EnsureReadyAsync());
        Assert.Null(((SqliteStateDatabase)again.Database).Imported);
        Assert.Null(((SqliteStateDatabase)other.Database).Imported);
        Assert.Equal(1, StateFolderRecords.Query(state, "SELECT COUNT(*) FROM aftsweep_meta WHERE key = 'legacy-import' AND @sweep = @sweep", FixtureSweep));
        Assert.Equal(6, StateFolderRecords.Count(state, FixtureSweep));
    }

    [Fact]
    public async Task Run_OnLegacyFolder_SaysItImportedAndResumesWithoutRerunningFinishedTrials()
    {
        using var temp = new TempDirectory("aftsweep-legacy-");
        var state = CopyFixtureState(temp);
        var before = new LegacyStateFolder(state).Records().ToDictionary(r => r.Spec.Id, TrialRecordJson.Serialize);

        var run = await CliRun.InvokeAsync("run", Path.Combine(FixtureFolder, "grid.json"), "--state", state, "--out", temp.Sub("out"));

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Contains($"imported the state folder {state}", run.Error);
        Assert.Contains($"resuming sweep {FixtureSweep[..12]}", run.Error);
        var after = (await StateFolderRecords.ListAsync(state, FixtureSweep)).ToDictionary(r => r.Spec.Id, TrialRecordJson.Serialize);
        Assert.Equal(8, after.Count);
        // The trials that had finished were not run again: their records are byte for byte the old ones.
        Assert.All(before, b => Assert.Equal(b.Value, after[b.Key]));
        Assert.Equal(0, StateFolderRecords.Rewrites(state, FixtureSweep));

        var again = await CliRun.InvokeAsync("run", Path.Combine(FixtureFolder, "grid.json"), "--state", state, "--out", temp.Sub("out"));
        Assert.True(again.ExitCode == ExitCodes.Ok, again.ToString());
        Assert.DoesNotContain("imported the state folder", again.Error);
    }

    [Fact]
    public async Task DbInit_OnLegacyFolder_ImportsAndSaysSo_ThenHasNothingToDo()
    {
        using var temp = new TempDirectory("aftsweep-legacy-");
        var state = CopyFixtureState(temp);

        var first = await CliRun.InvokeAsync("db", "init", "--state", state);
        var second = await CliRun.InvokeAsync("db", "init", "--state", state);

        Assert.True(first.ExitCode == ExitCodes.Ok, first.ToString());
        Assert.Contains("imported the state folder", first.Out);
        Assert.Contains("13 grain states, 6 records of 1 sweep(s)", first.Out);
        Assert.Contains("aftsweep.db: created", first.Out);
        Assert.True(second.ExitCode == ExitCodes.Ok, second.ToString());
        Assert.DoesNotContain("imported", second.Out);
        Assert.Contains("aftsweep.db: schema current", second.Out);
    }

    [Fact]
    public void SegmentFile_TornTailTombstoneAndVersions_LatestIntactFrameWins()
    {
        using var temp = new TempDirectory("aftsweep-legacy-");
        var first = Path.Combine(temp.Path, "a.seg");
        var second = Path.Combine(temp.Path, "b.seg");
        File.WriteAllBytes(first, [.. Header, .. Frame(1, "k1", 1, 10, "v1"), .. Frame(1, "k2", 1, 11, "x"), .. Frame(2, "k2", 2, 12, "")]);
        var torn = Frame(1, "k1", 9, 99, "torn");
        File.WriteAllBytes(second, [.. Header, .. Frame(1, "k1", 2, 13, "v2"), .. torn.AsSpan(0, torn.Length - 3).ToArray()]);

        var latest = LegacySegmentFile.Latest(temp.Path);

        Assert.Equal("v2", Encoding.UTF8.GetString(latest["k1"].Payload)); // the torn version-9 frame is not read
        Assert.True(latest["k2"].Deleted);
        Assert.Equal(3, LegacySegmentFile.Read(first).Count);
        Assert.Single(LegacySegmentFile.Read(second));
    }

    [Fact]
    public async Task Open_FolderOfPerGrainFilesFromOlderVersions_ImportsThemAndNamesWhatItCannot()
    {
        using var temp = new TempDirectory("aftsweep-legacy-");
        var state = temp.Sub("state");
        var plan = TestPlans.Build("old-files", new TestCell(MethodId.Stl, [], [], [0]));
        var spec = TestFinalTrials.Create(plan.Cells[0], null, 0);
        var record = new TrialRecord { SweepId = plan.SweepId, Spec = spec, Status = TrialStatus.Failed, Errors = ["boom"], Attempts = 3 };
        Write(Path.Combine(state, "records", plan.SweepId, spec.Id + ".json"), Encoding.UTF8.GetString(RecordJson.Serialize(record)));
        Write(Path.Combine(state, "grains", "trial", "trial", spec.Id + ".json"), """{"schema":1,"version":7,"type":"T","state":{"status":"failed"}}""");
        var hashed = Path.Combine(state, "grains", "x", "y", "h-" + new string('a', 64) + ".json");
        Write(hashed, """{"schema":1,"version":1,"type":"T","state":{}}""");

        await using var lease = StateDatabases.Sqlite(state, flushToDisk: false);
        await lease.Database.EnsureReadyAsync();
        var report = ((SqliteStateDatabase)lease.Database).Imported!;

        Assert.Equal(1, report.GrainStates);
        Assert.Equal(1, report.Records);
        Assert.Equal([hashed], report.Skipped);
        Assert.Contains(hashed, report.Describe());
        Assert.Equal(7, StateFolderRecords.Query(state, $"SELECT version FROM grain_state WHERE grain_id = 'trial/{spec.Id}' AND @sweep = @sweep", plan.SweepId));
        var back = Assert.Single(await StateFolderRecords.ListAsync(state, plan.SweepId));
        Assert.Equal(["boom"], back.Errors);
        Assert.Equal(TrialStatus.Failed, back.Status);
    }

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static byte[] Header => "AFTSEG\0\u0001"u8.ToArray();

    /// <summary>A version-1 frame: u32 body length, u32 CRC-32 of the body, body = op, version, sequence, key length, key, payload.</summary>
    private static byte[] Frame(byte op, string key, long version, long sequence, string payload)
    {
        var keyBytes = Encoding.UTF8.GetBytes(key);
        var payloadBytes = Encoding.UTF8.GetBytes(payload);
        var body = new byte[1 + 8 + 8 + 2 + keyBytes.Length + payloadBytes.Length];
        body[0] = op;
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(1), version);
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(9), sequence);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(17), (ushort)keyBytes.Length);
        keyBytes.CopyTo(body, 19);
        payloadBytes.CopyTo(body, 19 + keyBytes.Length);
        var frame = new byte[8 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Crc32.HashToUInt32(body));
        body.CopyTo(frame, 8);
        return frame;
    }
}
