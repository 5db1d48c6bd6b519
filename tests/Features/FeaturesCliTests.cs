using System.Text.Json;
using AftSweep.Client.Commands.Bench.Features;
using AftSweep.Client.Commands.Features;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Methods;
using AftSweep.Infra.Storage;
using AftSweep.Tests.Infrastructure;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Features;

namespace AftSweep.Tests.Features;

/// <summary>The feature verbs run in-process with captured output and injected grid, dataset and teachers.</summary>
public sealed class FeaturesCliTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();
    private readonly NoiseTestTeacherFactory _teachers = new();
    private readonly LoadedDataset _dataset = TestDatasets.Vectors(90, 30);

    public void Dispose() => _temp.Dispose();

    private FeatureCommandServices Services(GridSpec? grid = null) => new()
    {
        LoadGrid = path => grid ?? throw new FileNotFoundException($"{path}: no such grid"),
        Datasets = new FixedLoader(_dataset),
        Teachers = _teachers,
        Out = _out,
        Error = _err,
        Environment = _ => null,
        Interactive = false,
    };

    private GridSpec Grid() => new()
    {
        Name = "cli", Dataset = _dataset.Spec, Downstream = new DownstreamSpec { Model = "mlp" },
        Teachers = [new TeacherRef("small", "noise:8"), new TeacherRef("big", "noise:16"), new TeacherRef("unused", "noise:4")],
        Combos = [["small"], ["small", "big"]],
        Methods = [new MethodSpec { Method = MethodId.Stl }], Seeds = [0], Training = new TrainingConfig(), Selection = new SelectionSpec(),
        BaseDirectory = _temp.Path,
    };

    [Fact]
    public async Task FeaturesExtract_Grid_ExtractsEveryComboTeacherBothSplitsOnceThenReuses()
    {
        var command = new FeaturesExtractCommand { Services = Services(Grid()) };
        var settings = new FeaturesExtractCommand.Settings { Grid = "grid.json", Store = _temp.Sub("store"), Json = true };
        Assert.Equal(0, await command.RunAsync(settings, default));
        var sets = JsonDocument.Parse(_out.ToString()).RootElement.GetProperty("sets").EnumerateArray().ToList();
        Assert.Equal(["small/train", "small/test", "big/train", "big/test"], sets.Select(s => $"{s.GetProperty("teacher").GetString()}/{s.GetProperty("split").GetString()}"));
        Assert.Equal(2 * (90 + 30), _teachers.RowsExtracted);

        _out.GetStringBuilder().Clear();
        Assert.Equal(0, await new FeaturesExtractCommand { Services = Services(Grid()) }.RunAsync(settings, default));
        Assert.All(JsonDocument.Parse(_out.ToString()).RootElement.GetProperty("sets").EnumerateArray(),
            s => Assert.Equal(0, s.GetProperty("extractedRows").GetInt64()));
        Assert.Equal(2 * (90 + 30), _teachers.RowsExtracted);
    }

    [Fact]
    public async Task FeaturesExtract_TeacherOption_ExtractsOnlyThatTeacherWithProgressLines()
    {
        var command = new FeaturesExtractCommand { Services = Services(Grid()) };
        var code = await command.RunAsync(new FeaturesExtractCommand.Settings { Grid = "g.json", Store = _temp.Sub("store"), Teachers = ["unused"] }, default);
        Assert.Equal(0, code);
        Assert.Equal(120, _teachers.RowsExtracted);
        Assert.Contains("unused train: 90 x 4 (extracted 90 rows)", _out.ToString());
        Assert.Contains("unused test: extracting 30/30 rows, shard 1/1", _err.ToString());
    }

    [Fact]
    public async Task FeaturesExtract_UnknownTeacher_ExitsTwoNamingTheChoices()
    {
        var command = new FeaturesExtractCommand { Services = Services(Grid()) };
        var code = await command.RunAsync(new FeaturesExtractCommand.Settings { Grid = "g.json", Store = _temp.Sub("store"), Teachers = ["nope"] }, default);
        Assert.Equal(2, code);
        Assert.Contains("--teacher nope: the grid has no teacher 'nope' (it has: small, big, unused)", _err.ToString());
        Assert.Equal(0, _teachers.RowsExtracted);
    }

    [Fact]
    public async Task FeaturesExtract_MissingGridOption_ExitsTwo()
    {
        var code = await new FeaturesExtractCommand { Services = Services(Grid()) }.RunAsync(new FeaturesExtractCommand.Settings(), default);
        Assert.Equal(2, code);
        Assert.Contains("--grid: required", _err.ToString());
    }

    [Fact]
    public async Task FeaturesExtract_UnreachableAzureStore_ExitsOneWithoutTheSecret()
    {
        var conn = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteFixture.AccountKey};BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;";
        var services = new FeatureCommandServices
        {
            LoadGrid = _ => Grid(), Datasets = new FixedLoader(_dataset), Teachers = _teachers, Out = _out, Error = _err, Interactive = false,
            Environment = name => name == "TEST_CONN" ? conn : null,
        };
        var settings = new FeaturesExtractCommand.Settings { Grid = "g.json", Store = "azure:TEST_CONN", Cache = _temp.Sub("cache") };
        var code = await new FeaturesExtractCommand { Services = services }.RunAsync(settings, default);
        Assert.Equal(1, code);
        Assert.Contains("error: blob store azure:devstoreaccount1@127.0.0.1:9/aftsweep", _err.ToString());
        Assert.DoesNotContain(AzuriteFixture.AccountKey, _err.ToString() + _out.ToString());
    }

    [Fact]
    public async Task FeaturesLs_Json_ListsCompletePartialAndUnreadableSets()
    {
        var storeDir = _temp.Sub("store");
        var blobs = new LocalFolderBlobStore(storeDir);
        using (var store = new FeatureStore(blobs, _teachers, new FeatureStoreOptions { ShardRows = 32 }))
        {
            await store.GetAsync("noise:8", _dataset, SplitName.Train, null, default);
            using var cts = new CancellationTokenSource();
            _teachers.Configure = t => t.BeforeExtract = (call, _, _) => { if (call == 2) cts.Cancel(); return Task.CompletedTask; };
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetAsync("noise:16", _dataset, SplitName.Train, null, cts.Token));
        }
        var bogus = new string('b', 64);
        await AftSweep.Contracts.Storage.BlobStoreExtensions.PutAsync(blobs, FeatureSetKey.ManifestBlob(bogus), "{\"schemaVersion\": 9}"u8.ToArray());

        var code = await new FeaturesLsCommand { Services = Services() }.RunAsync(new StoreSettings { Store = storeDir, Json = true }, default);
        Assert.Equal(0, code);
        var sets = JsonDocument.Parse(_out.ToString()).RootElement.GetProperty("sets").EnumerateArray().ToList();
        Assert.Equal(3, sets.Count);
        var complete = sets.Single(s => s.GetProperty("teacherSpec").GetString() == "noise:8");
        Assert.Equal(("complete", 90, 8, 3, 3), (complete.GetProperty("status").GetString(), complete.GetProperty("rows").GetInt32(),
            complete.GetProperty("dim").GetInt32(), complete.GetProperty("shards").GetInt32(), complete.GetProperty("shardsTotal").GetInt32()));
        Assert.Equal("tiny", complete.GetProperty("dataset").GetString());
        Assert.Equal("train", complete.GetProperty("split").GetString());
        Assert.True(complete.GetProperty("bytes").GetInt64() > 90 * 8 * 4);
        var partial = sets.Single(s => s.GetProperty("teacherSpec").GetString() == "noise:16");
        Assert.Equal(("partial", 1, 3), (partial.GetProperty("status").GetString(), partial.GetProperty("shards").GetInt32(), partial.GetProperty("shardsTotal").GetInt32()));
        var unreadable = sets.Single(s => s.GetProperty("key").GetString() == bogus);
        Assert.Equal("unreadable", unreadable.GetProperty("status").GetString());
        Assert.Contains("schemaVersion 9 is newer", unreadable.GetProperty("problem").GetString());
    }

    [Fact]
    public async Task FeaturesLs_Human_PrintsTableWithSize()
    {
        var storeDir = _temp.Sub("store");
        using (var store = new FeatureStore(new LocalFolderBlobStore(storeDir), _teachers))
            await store.GetAsync("noise:8", _dataset, SplitName.Test, null, default);
        Assert.Equal(0, await new FeaturesLsCommand { Services = Services() }.RunAsync(new StoreSettings { Store = storeDir }, default));
        var text = _out.ToString();
        Assert.Contains("1 feature set", text);
        Assert.Contains("noise:8", text);
        Assert.Contains("complete", text);
        Assert.Contains(FeaturesLsCommand.Size(ShardFormat.BlobLength(30, 8) + new FileInfo(Directory.GetFiles(storeDir, "manifest.json", SearchOption.AllDirectories)[0]).Length), text);
    }

    [Fact]
    public async Task BenchFeatures_SmallSet_ReportsRatesAndRemovesItsSet()
    {
        var storeDir = _temp.Sub("store");
        var settings = new BenchFeaturesCommand.Settings { Store = storeDir, Rows = 5000, Dim = 16, Repeat = 2, Json = true, Cache = _temp.Sub("cache") };
        Assert.Equal(0, await new BenchFeaturesCommand { Services = Services() }.RunAsync(settings, default));
        var report = JsonDocument.Parse(_out.ToString()).RootElement;
        Assert.True(report.GetProperty("cacheReadMBps").GetProperty("Best").GetDouble() > 0);
        Assert.True(report.GetProperty("blobReadMBps").GetProperty("Median").GetDouble() > 0);
        Assert.Empty(Directory.GetFiles(storeDir, "*", SearchOption.AllDirectories));
    }

    private sealed class FixedLoader(LoadedDataset dataset) : IDatasetLoader
    {
        public LoadedDataset Load(DatasetSpec spec, int splitSeed = SelectionSpec.DefaultSplitSeed, CancellationToken cancellationToken = default) => dataset;
    }
}
