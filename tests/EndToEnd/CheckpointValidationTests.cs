using System.Text.Json;
using AftSweep.Client.Commands;
using AftSweep.Tests.Infrastructure;
using AftSweep.Transfer.Bundled;
using AftSweep.Transfer.Models.Bert;
using AftSweep.Transfer.Models.Checkpoints;
using AftSweep.Transfer.Torch;
using static TorchSharp.torch;

namespace AftSweep.Tests.EndToEnd;

/// <summary>
/// <c>aftsweep validate</c> on a grid whose student is a user's BERT checkpoint (safetensors with Hugging Face names,
/// config.json and vocab.txt beside it): a good one is valid; each way a checkpoint can be bad is one error naming the
/// tensor and the file, exit 2, and nothing is written.
/// </summary>
public sealed class CheckpointValidationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aftsweep-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly BertConfig Tiny = new(VocabSize: 30522, HiddenSize: 8, NumHiddenLayers: 2, NumAttentionHeads: 2, IntermediateSize: 16);

    /// <summary>Writes model.safetensors (BertModel names), config.json and vocab.txt into a folder; returns the checkpoint path.</summary>
    private string Checkpoint(Func<Dictionary<string, Tensor>, Dictionary<string, Tensor>>? edit = null, string? config = null)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, $"model-{Guid.NewGuid():N}")).FullName;
        using var model = SeededConstruction.Build(1, () => new BertStudent(Tiny, numClasses: 2));
        var tensors = model.state_dict().Where(kv => !model.IsHeadEntry(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        tensors["pooler.dense.weight"] = randn(8, 8); // real BertModel files carry the pooler, which the student ignores
        tensors["pooler.dense.bias"] = zeros(8);
        if (edit is not null) tensors = edit(tensors);
        var path = Path.Combine(folder, "model.safetensors");
        SafetensorsFile.Write(path, tensors);
        File.WriteAllText(Path.Combine(folder, "config.json"), config ?? JsonSerializer.Serialize(new
        {
            model_type = "bert", vocab_size = Tiny.VocabSize, hidden_size = Tiny.HiddenSize, num_hidden_layers = Tiny.NumHiddenLayers,
            num_attention_heads = Tiny.NumAttentionHeads, intermediate_size = Tiny.IntermediateSize,
        }));
        File.WriteAllBytes(Path.Combine(folder, "vocab.txt"), BundledModels.MiniLm.ReadVocabulary());
        return path;
    }

    private string Grid(string checkpoint, object? layers = null)
    {
        var fixtures = Path.Combine(RepositoryRoot.Find(), "tests", "Fixtures");
        var grid = new Dictionary<string, object?>
        {
            ["name"] = "ckpt",
            ["dataset"] = new { name = "sst2", kind = "text", format = "tsv", train = Path.Combine(fixtures, "sst2-train.tsv"), test = Path.Combine(fixtures, "sst2-test.tsv"), text = new[] { "sentence" }, label = "label" },
            ["downstream"] = layers is null ? new { model = "bert", init = checkpoint } : new { model = "bert", init = checkpoint, layers },
            ["methods"] = new { stl = new { } },
            ["seeds"] = new[] { 0 },
        };
        var path = Path.Combine(_dir, $"grid-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(grid));
        return path;
    }

    private async Task<CliRun> Validate(string grid)
    {
        var before = Directory.GetFileSystemEntries(_dir, "*", SearchOption.AllDirectories).Length;
        var run = await CliRun.InvokeAsync("validate", grid);
        Assert.Equal(before, Directory.GetFileSystemEntries(_dir, "*", SearchOption.AllDirectories).Length);
        return run;
    }

    private async Task AssertBad(string grid, params string[] expected)
    {
        var run = await Validate(grid);
        Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
        var lines = run.Error.Trim().Split('\n');
        Assert.True(lines[0].Replace("error: ", "").StartsWith("downstream: checkpoint '", StringComparison.Ordinal), run.Error);
        Assert.Equal($"{grid}: the grid's files cannot be used, nothing done", lines[^1].Replace("error: ", ""));
        foreach (var text in expected) Assert.Contains(text, run.Error);
        Assert.DoesNotContain("   at ", run.Error);
    }

    [Fact]
    public async Task GoodCheckpoint_IsValid()
    {
        var run = await Validate(Grid(Checkpoint()));
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Contains("valid", run.Out);
    }

    [Fact]
    public async Task MissingTensor_NamesItAndTheFile()
    {
        var path = Checkpoint(t => { t.Remove("encoder.layer.1.output.dense.weight"); return t; });
        await AssertBad(Grid(path), "missing tensor 'encoder.layer.1.output.dense.weight'", path);
    }

    [Fact]
    public async Task UnexpectedTensor_NamesIt()
    {
        var path = Checkpoint(t => { t["encoder.layer.0.adapter.weight"] = zeros(4, 8); return t; });
        await AssertBad(Grid(path), "unexpected tensor 'encoder.layer.0.adapter.weight' [4, 8]", path);
    }

    [Fact]
    public async Task ConfigContradictsTheTensors_NamesBothShapes()
    {
        var config = JsonSerializer.Serialize(new { model_type = "bert", vocab_size = 30522, hidden_size = 8, num_hidden_layers = 2, num_attention_heads = 2, intermediate_size = 32 });
        await AssertBad(Grid(Checkpoint(config: config)), "'encoder.layer.0.intermediate.dense.weight' is [16, 8] in the file but the model needs [32, 8]");
    }

    [Fact]
    public async Task IntegerWeights_AreADtypeError()
    {
        var path = Checkpoint(t => { t["embeddings.LayerNorm.weight"] = t["embeddings.LayerNorm.weight"].to(ScalarType.Int32); return t; });
        await AssertBad(Grid(path), "tensor 'embeddings.LayerNorm.weight' has dtype I32");
    }

    [Fact]
    public async Task TruncatedFile_SaysSo()
    {
        var path = Checkpoint();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        await AssertBad(Grid(path), "truncated", path);
    }

    [Fact]
    public async Task CorruptHeader_SaysSo()
    {
        var path = Checkpoint();
        var bytes = File.ReadAllBytes(path);
        bytes[8] = (byte)'!'; // the header JSON starts after its 8-byte length
        File.WriteAllBytes(path, bytes);
        await AssertBad(Grid(path), "not a readable safetensors file", path);
    }

    [Fact]
    public async Task LayerSubsetOutOfRange_NamesTheLayer()
    {
        await AssertBad(Grid(Checkpoint(), layers: new[] { 0, 5 }), "layer 5 is out of range: the checkpoint has 2 layers (0-1)");
    }

    [Fact]
    public async Task LayerSubset_OfAValidCheckpoint_IsValid()
    {
        var run = await Validate(Grid(Checkpoint(), layers: new[] { 1 }));
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
    }
}
