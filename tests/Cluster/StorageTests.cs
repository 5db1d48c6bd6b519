using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;
using AftSweep.Infra.Orleans;
using AftSweep.Infra.Records;
using AftSweep.Tests.Cluster.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Orleans.Storage;

namespace AftSweep.Tests.Cluster;

public sealed class StorageTests
{
    private sealed class Holder<T>(T state) : IGrainState<T>
    {
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public T State { get; set; } = state;
        public string? ETag { get; set; }
        public bool RecordExists { get; set; }
    }

    private static FileGrainStorage Storage(string root) =>
        new("test", new FileGrainStorageOptions { RootDirectory = root }, NullLogger<FileGrainStorage>.Instance);

    private static readonly GrainId Grain = GrainId.Create("trial", "abc123");

    [Fact]
    public async Task FileGrainStorage_WriteThenReadWithNewInstance_RoundTripsWithVersionEtag()
    {
        using var temp = new TempFolder();
        var written = new Holder<Dictionary<string, int>>(new() { ["a"] = 1 });
        await Storage(temp.Path).WriteStateAsync("s", Grain, written);
        written.State["a"] = 2;
        await Storage(temp.Path).WriteStateAsync("s", Grain, written);

        var read = new Holder<Dictionary<string, int>>([]);
        await Storage(temp.Path).ReadStateAsync("s", Grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal("2", read.ETag);
        Assert.Equal(2, read.State["a"]);
        Assert.Empty(Directory.GetFiles(temp.Path, "*" + AtomicFile.TempSuffix, SearchOption.AllDirectories));
    }

    [Fact]
    public async Task FileGrainStorage_WriteWithStaleEtag_ThrowsInconsistentState()
    {
        using var temp = new TempFolder();
        var a = new Holder<int>(1);
        await Storage(temp.Path).WriteStateAsync("s", Grain, a);
        var b = new Holder<int>(0);
        await Storage(temp.Path).ReadStateAsync("s", Grain, b);
        b.State = 5;
        await Storage(temp.Path).WriteStateAsync("s", Grain, b);

        a.State = 9;
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage(temp.Path).WriteStateAsync("s", Grain, a));
        var read = new Holder<int>(0);
        await Storage(temp.Path).ReadStateAsync("s", Grain, read);
        Assert.Equal(5, read.State);
    }

    [Fact]
    public async Task FileGrainStorage_ClearThenRead_NoRecord()
    {
        using var temp = new TempFolder();
        var s = new Holder<int>(3);
        await Storage(temp.Path).WriteStateAsync("s", Grain, s);
        await Storage(temp.Path).ClearStateAsync("s", Grain, s);
        var read = new Holder<int>(0);
        await Storage(temp.Path).ReadStateAsync("s", Grain, read);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
    }

    [Fact]
    public async Task FileGrainStorage_CorruptFile_ErrorNamesThePath()
    {
        using var temp = new TempFolder();
        var storage = Storage(temp.Path);
        var path = storage.PathFor("s", Grain);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, "{not json");
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => storage.ReadStateAsync("s", Grain, new Holder<int>(0)));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public async Task FolderRecordStore_WriteReadDelete_RoundTripsVersionedJson()
    {
        using var temp = new TempFolder();
        var store = new FolderRecordStore(temp.Path);
        var plan = TestPlans.Build("records", new TestCell(MethodId.Aft, [0.5], [0], []));
        var spec = plan.Cells[0].SelectionTrials[0];
        var record = new TrialRecord { SweepId = plan.SweepId, Spec = spec, Status = TrialStatus.Failed, Errors = ["attempt 1 on w: boom"], Attempts = 1 };

        await store.WriteAsync(record);
        using var journal = new AftSweep.Infra.Journal.SegmentJournal(Path.Combine(temp.Path, plan.SweepId), flushToDisk: false);
        var json = System.Text.Encoding.UTF8.GetString(journal.Get(spec.Id)!.Payload);
        var back = await store.ReadAsync(plan.SweepId, spec.Id);

        Assert.Contains($"\"schema\": {TrialRecord.CurrentSchema}", json);
        Assert.Contains("\"method\": \"aft\"", json);
        Assert.NotNull(back);
        Assert.Equal(spec.Id, back.Spec.Id);
        Assert.Equal(0.5, back.Spec.Lambda);
        Assert.Equal(["attempt 1 on w: boom"], back.Errors);
        Assert.True(await store.DeleteAsync(plan.SweepId, spec.Id));
        Assert.Null(await store.ReadAsync(plan.SweepId, spec.Id));
    }

    [Fact]
    public async Task FolderRecordStore_UnknownSchema_ErrorNamesFileAndField()
    {
        using var temp = new TempFolder();
        var store = new FolderRecordStore(temp.Path);
        var plan = TestPlans.Build("schema", new TestCell(MethodId.Aft, [0.5], [0], []));
        var spec = plan.Cells[0].SelectionTrials[0];
        await store.WriteAsync(new TrialRecord { SweepId = plan.SweepId, Spec = spec, Status = TrialStatus.Succeeded, Schema = 99 });

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => store.ReadAsync(plan.SweepId, spec.Id));
        Assert.Contains(spec.Id + ".json", e.Message);
        Assert.Contains("schema", e.Message);
    }

    [Fact]
    public async Task FolderRecordStore_InvalidIds_Rejected()
    {
        using var temp = new TempFolder();
        await Assert.ThrowsAsync<ArgumentException>(() => new FolderRecordStore(temp.Path).ReadAsync("../etc", "x"));
    }
}
