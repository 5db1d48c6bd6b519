using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;
using AftSweep.Infra.Database;
using AftSweep.Infra.Records;
using AftSweep.Tests.Cluster.Support;
using AftSweep.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Orleans.Storage;

namespace AftSweep.Tests.Database;

/// <summary>The grain storage on both databases: version-column ETags, clears, and records committed with the state.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DatabaseGrainStorageTests(PostgresServer server)
{
    private sealed class Holder<T>(T state) : IGrainState<T>
    {
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public T State { get; set; } = state;
        public string? ETag { get; set; }
        public bool RecordExists { get; set; }
    }

    private static readonly GrainId Grain = GrainId.Create("trial", "abc123");

    private static DatabaseGrainStorage Storage(StateDatabaseLease lease) => new("test", lease.Database, NullLogger<DatabaseGrainStorage>.Instance);

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task Write_ThenReadWithNewStorage_RoundTripsWithVersionEtag(string kind)
    {
        using var temp = new TempDirectory("aftsweep-db-");
        await using var lease = await TestDatabases.OpenAsync(kind, temp, server);
        var written = new Holder<Dictionary<string, int>>(new() { ["a"] = 1 });
        await Storage(lease).WriteStateAsync("s", Grain, written);
        Assert.Equal("1", written.ETag);
        written.State["a"] = 2;
        await Storage(lease).WriteStateAsync("s", Grain, written);

        var read = new Holder<Dictionary<string, int>>([]);
        await Storage(lease).ReadStateAsync("s", Grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal("2", read.ETag);
        Assert.Equal(2, read.State["a"]);
        var absent = new Holder<int>(0);
        await Storage(lease).ReadStateAsync("other", Grain, absent);
        Assert.False(absent.RecordExists);
        Assert.Null(absent.ETag);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task Write_WithStaleEtag_IsRefusedAndChangesNothing(string kind)
    {
        using var temp = new TempDirectory("aftsweep-db-");
        await using var lease = await TestDatabases.OpenAsync(kind, temp, server);
        var a = new Holder<int>(1);
        await Storage(lease).WriteStateAsync("s", Grain, a);
        var b = new Holder<int>(0);
        await Storage(lease).ReadStateAsync("s", Grain, b);
        b.State = 5;
        await Storage(lease).WriteStateAsync("s", Grain, b);

        a.State = 9;
        var stale = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage(lease).WriteStateAsync("s", Grain, a));
        Assert.Contains("is at version 2, the write expected 1", stale.Message);
        // A first write (no ETag) over a live state is stale too: another activation created it.
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage(lease).WriteStateAsync("s", Grain, new Holder<int>(7)));
        var read = new Holder<int>(0);
        await Storage(lease).ReadStateAsync("s", Grain, read);
        Assert.Equal(5, read.State);
        Assert.Equal("2", read.ETag);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task Clear_ThenWriteAgain_VersionsNeverRepeat(string kind)
    {
        using var temp = new TempDirectory("aftsweep-db-");
        await using var lease = await TestDatabases.OpenAsync(kind, temp, server);
        var s = new Holder<int>(3);
        await Storage(lease).WriteStateAsync("s", Grain, s);
        var old = new Holder<int>(0);
        await Storage(lease).ReadStateAsync("s", Grain, old);
        await Storage(lease).ClearStateAsync("s", Grain, s);
        Assert.Null(s.ETag);

        var read = new Holder<int>(0);
        await Storage(lease).ReadStateAsync("s", Grain, read);
        Assert.False(read.RecordExists);
        await Storage(lease).WriteStateAsync("s", Grain, read);
        // Version 1 was cleared (2); the new state is 3, so the activation that read version 1 cannot write over it.
        Assert.Equal("3", read.ETag);
        old.State = 99;
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage(lease).WriteStateAsync("s", Grain, old));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task WriteWithState_RecordsAndStateCommitTogether_AndAStaleStateWritesNoRecord(string kind)
    {
        using var temp = new TempDirectory("aftsweep-db-");
        await using var lease = await TestDatabases.OpenAsync(kind, temp, server);
        var store = new DatabaseRecordStore(lease.Database);
        var (record, other) = Records();
        var state = new Holder<string>("succeeded");

        await store.WriteWithStateAsync(RecordChanges.Write([record]), () => Storage(lease).WriteStateAsync("trial", Grain, state));
        Assert.Equal("1", state.ETag);
        Assert.NotNull(await store.ReadAsync(record.SweepId, record.Spec.Id));

        // A stale state write (another activation moved on) commits no record either.
        var stale = new Holder<string>("failed") { ETag = "7" };
        await Assert.ThrowsAsync<InconsistentStateException>(() =>
            store.WriteWithStateAsync(RecordChanges.Write([other]), () => Storage(lease).WriteStateAsync("trial", Grain, stale)));
        Assert.Null(await store.ReadAsync(other.SweepId, other.Spec.Id));

        // A retry deletes the record with the state transition.
        state.State = "pending";
        await store.WriteWithStateAsync(RecordChanges.Delete([record.SweepId], record.Spec.Id), () => Storage(lease).WriteStateAsync("trial", Grain, state));
        Assert.Null(await store.ReadAsync(record.SweepId, record.Spec.Id));
        Assert.Equal("2", state.ETag);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task CrashBeforeCommit_NeitherStateNorRecordSurvives(string kind)
    {
        using var temp = new TempDirectory("aftsweep-db-");
        await using var lease = await TestDatabases.OpenAsync(kind, temp, server);
        var store = new DatabaseRecordStore(lease.Database);
        var (record, _) = Records();
        var state = new Holder<string>("leased");
        await Storage(lease).WriteStateAsync("trial", Grain, state);

        lease.Database.Writer.Faults = new ThrowAt(CommitPoint.BeforeCommit);
        state.State = "succeeded";
        await Assert.ThrowsAsync<SimulatedCrashException>(() =>
            store.WriteWithStateAsync(RecordChanges.Write([record]), () => Storage(lease).WriteStateAsync("trial", Grain, state)));
        lease.Database.Writer.Faults = null;

        var read = new Holder<string>("");
        await Storage(lease).ReadStateAsync("trial", Grain, read);
        Assert.Equal("leased", read.State);
        Assert.Equal("1", read.ETag);
        Assert.Null(await store.ReadAsync(record.SweepId, record.Spec.Id));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task ConcurrentWrites_AreGroupCommitted_AndEachIsDurable(string kind)
    {
        using var temp = new TempDirectory("aftsweep-db-");
        await using var lease = await TestDatabases.OpenAsync(kind, temp, server);
        // The first transaction is held open until every write has been issued, so the test does not depend on the
        // machine being slow enough for writes to meet a running commit.
        using var firstCommit = new ManualResetEventSlim();
        var commits = new ThrowAt(null, holdFirst: firstCommit);
        lease.Database.Writer.Faults = commits;
        var storage = Storage(lease);
        const int Writers = 200;

        var writes = Enumerable.Range(0, Writers).Select(i => Task.Run(() => storage.WriteStateAsync("s", GrainId.Create("trial", $"g{i}"), new Holder<int>(i)))).ToList();
        while (commits.Batches == 0) await Task.Delay(5);
        await Task.Delay(200);
        firstCommit.Set();
        await Task.WhenAll(writes);

        // Fewer transactions than writes: writes that arrived while one committed went together into the next.
        Assert.InRange(commits.Batches, 1, Writers - 1);
        Assert.Equal(Writers, commits.Writes);
        await using var reopened = kind == "sqlite" ? StateDatabases.Sqlite(temp.Sub("state"), flushToDisk: true) : null;
        var reader = Storage(reopened ?? lease);
        for (var i = 0; i < Writers; i += 37)
        {
            var read = new Holder<int>(-1);
            await reader.ReadStateAsync("s", GrainId.Create("trial", $"g{i}"), read);
            Assert.Equal(i, read.State);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task OneBadWriteInABatch_FailsAloneTheOthersCommit(string kind)
    {
        using var temp = new TempDirectory("aftsweep-db-");
        await using var lease = await TestDatabases.OpenAsync(kind, temp, server);
        var writer = lease.Database.Writer;
        // Hold the writer in one batch long enough for the next three writes to queue behind it and share a transaction.
        var gate = new TaskCompletionSource();
        var blocker = writer.WriteAsync("a", async _ => { await gate.Task; return 0; });
        var good1 = Storage(lease).WriteStateAsync("s", GrainId.Create("trial", "ok1"), new Holder<int>(1));
        var bad = writer.WriteAsync<int>("m", _ => throw new InvalidOperationException("this write is broken"));
        var good2 = Storage(lease).WriteStateAsync("s", GrainId.Create("trial", "ok2"), new Holder<int>(2));
        gate.SetResult();

        await blocker;
        await good1;
        await good2;
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => bad);
        Assert.Equal("this write is broken", e.Message);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Kinds), MemberType = typeof(TestDatabases))]
    public async Task Records_StoredAsCurrentSchemaJson_OlderSchemasReadNewerRefused(string kind)
    {
        using var temp = new TempDirectory("aftsweep-db-");
        await using var lease = await TestDatabases.OpenAsync(kind, temp, server);
        var store = new DatabaseRecordStore(lease.Database);
        var (record, _) = Records();
        await store.WriteAsync(record);

        var (json, column) = await RawRecordAsync(lease, record);
        Assert.Contains($"\"schema\":{TrialRecord.CurrentSchema}", json);
        Assert.Contains("\"method\":\"aft\"", json);
        Assert.Equal(TrialRecord.CurrentSchema, column);

        // Records written before the probe change are schema 1: still read (they only lack fields added since).
        await SetRecordSchemaAsync(lease, record, 1);
        var old = await store.ReadAsync(record.SweepId, record.Spec.Id);
        Assert.NotNull(old);
        Assert.Equal(1, old.Schema);
        Assert.Equal(0.5, old.Spec.Lambda);

        // A newer schema may mean what this build cannot know: refused, naming the database, the record and the field.
        await SetRecordSchemaAsync(lease, record, TrialRecord.CurrentSchema + 1);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => store.ReadAsync(record.SweepId, record.Spec.Id));
        Assert.Contains(record.Spec.Id, e.Message);
        Assert.Contains("schema", e.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReadAsync("../etc", record.Spec.Id));
    }

    [Fact]
    public async Task Read_CorruptState_ErrorNamesDatabaseStateAndGrain()
    {
        using var temp = new TempDirectory("aftsweep-db-");
        await using var lease = StateDatabases.Sqlite(temp.Sub("state"), flushToDisk: false);
        await Storage(lease).WriteStateAsync("s", Grain, new Holder<int>(1));
        await lease.Database.Writer.WriteAsync("corrupt", async context =>
        {
            var command = context.Command("UPDATE grain_state SET payload = '{not json' WHERE state_name = 's'");
            return await command.ExecuteNonQueryAsync();
        });

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => Storage(lease).ReadStateAsync("s", Grain, new Holder<int>(0)));
        Assert.Contains("aftsweep.db", e.Message);
        Assert.Contains("state 's' of trial/abc123", e.Message);
    }

    private static async Task<(string Json, long Column)> RawRecordAsync(StateDatabaseLease lease, TrialRecord record)
    {
        await using var connection = await lease.Database.OpenReaderAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT record, record_schema FROM trial_records WHERE sweep_id = @sweep_id AND trial_id = @trial_id";
        SqlDialect.Add(command, "sweep_id", record.SweepId);
        SqlDialect.Add(command, "trial_id", record.Spec.Id);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetString(0), Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Rewrites the stored JSON's schema number, as an older or newer AftSweep would have written it.</summary>
    private static async Task SetRecordSchemaAsync(StateDatabaseLease lease, TrialRecord record, int schema)
    {
        var (json, _) = await RawRecordAsync(lease, record);
        var rewritten = System.Text.RegularExpressions.Regex.Replace(json, "\"schema\":\\d+", $"\"schema\":{schema}");
        await lease.Database.Writer.WriteAsync("rewrite", async context =>
        {
            var command = context.Command("UPDATE trial_records SET record = @record WHERE sweep_id = @sweep_id AND trial_id = @trial_id");
            context.Dialect.AddJson(command, "record", rewritten);
            SqlDialect.Add(command, "sweep_id", record.SweepId);
            SqlDialect.Add(command, "trial_id", record.Spec.Id);
            return await command.ExecuteNonQueryAsync();
        });
    }

    private static (TrialRecord, TrialRecord) Records()
    {
        var plan = TestPlans.Build("records", new TestCell(MethodId.Aft, [0.5, 1], [0], []));
        TrialRecord Of(TrialSpec spec) => new()
        {
            SweepId = plan.SweepId,
            Spec = spec,
            Status = TrialStatus.Succeeded,
            Attempts = 1,
            Worker = "silo1/cpu#0",
            Result = new TrialResult { Accuracy = 0.75, EvaluatedOn = "holdout", FinalCrossEntropy = 0.4, FinalRegulariser = 0.1, WallSeconds = 1.5, StepsPerSecond = 10, Steps = 15, Epochs = 1, Device = "cpu" },
        };
        return (Of(plan.Cells[0].SelectionTrials[0]), Of(plan.Cells[0].SelectionTrials[1]));
    }

    private sealed class SimulatedCrashException() : Exception("simulated crash");

    /// <summary>Counts commits; with a point, throws there as a crash would stop the commit (the transaction rolls back).</summary>
    private sealed class ThrowAt(CommitPoint? point, ManualResetEventSlim? holdFirst = null) : ICommitFaults
    {
        private int _batches;
        private int _writes;

        public int Batches => Volatile.Read(ref _batches);
        public int Writes => _writes;

        public void BeforeCommit(int writes, int recordChanges)
        {
            var batch = Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _writes, writes);
            // The writer runs commits off the callers' threads, so blocking here holds only that transaction.
            if (batch == 1 && holdFirst is not null && !holdFirst.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("first commit held for 30 s");
            if (point == CommitPoint.BeforeCommit) throw new SimulatedCrashException();
        }

        public void AfterCommit(int writes, int recordChanges)
        {
        }
    }
}
