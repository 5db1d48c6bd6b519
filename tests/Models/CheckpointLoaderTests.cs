using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Models;
using AftSweep.Transfer.Models.Architectures;
using AftSweep.Transfer.Models.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Tests.Models;

public sealed class CheckpointLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aftsweep-init-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static DownstreamModel Create(string name, InputShape input, int seed, string? init = null) =>
        StudentFactory.Create(new DownstreamSpec { Model = name, Init = init }, input, 4, CPU, seed).Model;

    [Fact]
    public void Load_TorchSharpFile_BackboneCopiedHeadFresh()
    {
        var path = Path.Combine(_dir, "cnn.bin");
        using (var source = Create("cnn-small", InputShape.Image(3, 8, 8), seed: 1)) source.save(path);
        using var original = Create("cnn-small", InputShape.Image(3, 8, 8), seed: 1);
        using var fresh = Create("cnn-small", InputShape.Image(3, 8, 8), seed: 2);
        using var loaded = Create("cnn-small", InputShape.Image(3, 8, 8), seed: 2, init: path);

        var sd = loaded.state_dict();
        foreach (var name in new[] { "conv1.weight", "conv2.bias", "conv3.weight" })
            Assert.True(sd[name].allclose(original.state_dict()[name], rtol: 0, atol: 0), $"{name} should come from the init file");
        Assert.True(sd["head.weight"].allclose(fresh.state_dict()["head.weight"], rtol: 0, atol: 0), "the head keeps its own fresh init");
        Assert.False(sd["head.weight"].allclose(original.state_dict()["head.weight"], rtol: 0, atol: 0), "the head must not be loaded");
    }

    [Fact]
    public void Load_ResNetFile_RestoresBatchNormBuffers()
    {
        var path = Path.Combine(_dir, "resnet.bin");
        var shape = InputShape.Image(3, 16, 16);
        using (var source = Create("resnet18", shape, seed: 1))
        {
            using (no_grad()) source.state_dict()["bn1.running_mean"].fill_(0.25);
            source.save(path);
        }
        using var loaded = Create("resnet18", shape, seed: 2, init: path);
        Assert.Equal(0.25f, loaded.state_dict()["bn1.running_mean"][0].item<float>());
    }

    [Fact]
    public void Load_SafetensorsWithWrapperPrefix_BackboneCopied()
    {
        using var original = Create("resnet18", InputShape.Image(3, 16, 16), seed: 3);
        var path = Path.Combine(_dir, "resnet.safetensors");
        // A checkpoint saved from a DataParallel wrapper: every name under "module.".
        SafetensorsFile.Write(path, original.state_dict().Select(kv => KeyValuePair.Create("module." + kv.Key, kv.Value)));
        using var loaded = Create("resnet18", InputShape.Image(3, 16, 16), seed: 4, init: path);
        Assert.True(loaded.state_dict()["layer3.1.conv2.weight"].allclose(original.state_dict()["layer3.1.conv2.weight"], rtol: 0, atol: 0));
    }

    [Fact]
    public void Load_ShapeMismatch_NamesTensorAndBothShapes()
    {
        var path = Path.Combine(_dir, "mlp20.bin");
        using (var source = Create("mlp", InputShape.Vector(20), seed: 1)) source.save(path);
        var e = Assert.Throws<CheckpointException>(() => Create("mlp", InputShape.Vector(30), seed: 1, init: path));
        Assert.Contains("'fc1.weight' is [256, 20] in the file but the model needs [256, 30]", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Load_OtherArchitecture_NamesUnexpectedAndMissingTensors()
    {
        var path = Path.Combine(_dir, "cnn-for-mlp.bin");
        using (var source = Create("cnn-small", InputShape.Image(3, 8, 8), seed: 1)) source.save(path);
        var e = Assert.Throws<CheckpointException>(() => Create("mlp", InputShape.Image(3, 8, 8), seed: 1, init: path));
        Assert.Contains("unexpected tensor 'conv1.weight'", e.Message);
        Assert.Contains("missing tensor 'fc1.weight'", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Load_IntegerTensorForWeight_IsDtypeError()
    {
        using var original = Create("mlp", InputShape.Vector(6), seed: 3);
        var path = Path.Combine(_dir, "int.safetensors");
        SafetensorsFile.Write(path, original.state_dict().Select(kv =>
            KeyValuePair.Create(kv.Key, kv.Key == "fc2.bias" ? kv.Value.to(ScalarType.Int64) : kv.Value)));
        var e = Assert.Throws<CheckpointException>(() => Create("mlp", InputShape.Vector(6), seed: 4, init: path));
        Assert.Contains("tensor 'fc2.bias' has dtype I64", e.Message);
    }

    [Fact]
    public void Load_HalfPrecisionCheckpoint_ConvertedToFloat32()
    {
        using var original = Create("mlp", InputShape.Vector(6), seed: 3);
        var path = Path.Combine(_dir, "half.safetensors");
        SafetensorsFile.Write(path, original.state_dict().Select(kv => KeyValuePair.Create(kv.Key, kv.Value.to(ScalarType.Float16))));
        using var loaded = Create("mlp", InputShape.Vector(6), seed: 4, init: path);
        Assert.Equal(ScalarType.Float32, loaded.state_dict()["fc1.weight"].dtype);
        Assert.True(loaded.state_dict()["fc1.weight"].allclose(original.state_dict()["fc1.weight"], rtol: 1e-3, atol: 1e-3));
    }

    [Fact]
    public void Load_TruncatedTorchSharpFile_SaysTruncated()
    {
        var path = Path.Combine(_dir, "cut.bin");
        using (var source = Create("mlp", InputShape.Vector(5), seed: 1)) source.save(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<CheckpointException>(() => Create("mlp", InputShape.Vector(5), seed: 1, init: path));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Load_MissingFile_NamesIt()
    {
        var path = Path.Combine(_dir, "absent.bin");
        var e = Assert.Throws<CheckpointException>(() => Create("mlp", InputShape.Vector(3), seed: 1, init: path));
        Assert.Contains(path, e.Message);
    }

    // Layer subsets, prefixes and heads, on a small layered model with a BERT-like name table.

    private sealed class Encoder : nn.Module<Tensor, Tensor>
    {
        private readonly ModuleList<Linear> layer; // named as registered: TorchSharp also registers fields by reflection

        public Encoder(int layers) : base("encoder")
        {
            layer = new ModuleList<Linear>(Enumerable.Range(0, layers).Select(_ => nn.Linear(3, 3)).ToArray());
            register_module("layer", layer);
        }

        public override Tensor forward(Tensor x) => layer.Aggregate(x, (h, l) => l.call(h));
    }

    private sealed class Layered : DownstreamModel
    {
        private readonly Encoder _encoder;
        private readonly Linear _classifier;

        public Layered(int layers, int classes) : base("layered")
        {
            _encoder = new Encoder(layers);
            _classifier = nn.Linear(3, classes);
            register_module("encoder", _encoder);
            register_module("classifier", _classifier);
        }

        public override int FeatureDim => 3;
        public override string HeadName => "classifier";
        public override Tensor Features(Tensor x) => _encoder.call(x);
        public override Tensor Head(Tensor features) => _classifier.call(features);
    }

    private static readonly CheckpointNameTable BertLike = new()
    {
        Prefixes = ["bert."],
        Ignored = ["pooler."],
        LayerFormat = "encoder.layer.{0}.",
    };

    private static Checkpoint SixLayerCheckpoint(int classes = 2, bool prefix = true)
    {
        var tensors = new Dictionary<string, CheckpointTensor>();
        void Add(string name, Tensor t) => tensors[name] = CheckpointTensor.From(name, new Transfer.Torch.StoredTensor(ScalarType.Float32, t.shape, t.bytes.ToArray()));
        var p = prefix ? "bert." : "";
        for (var l = 0; l < 6; l++)
        {
            Add($"{p}encoder.layer.{l}.weight", full(3, 3, (float)l));
            Add($"{p}encoder.layer.{l}.bias", full(3, (float)(10 + l)));
        }
        Add($"{p}pooler.dense.weight", zeros(3, 3));
        Add("classifier.weight", ones(classes, 3));
        Add("classifier.bias", ones(classes));
        return new Checkpoint { Source = "six-layers.safetensors", Tensors = tensors };
    }

    [Fact]
    public void LayerSubset_StudentLayersComeFromTheChosenCheckpointLayers()
    {
        using var model = new Layered(3, 2);
        CheckpointLoader.Load(model, SixLayerCheckpoint(), BertLike, layers: [0, 2, 4], keepHead: false);
        var sd = model.state_dict();
        Assert.Equal(0f, sd["encoder.layer.0.weight"][0, 0].item<float>());
        Assert.Equal(2f, sd["encoder.layer.1.weight"][0, 0].item<float>());
        Assert.Equal(14f, sd["encoder.layer.2.bias"][0].item<float>());
        Assert.NotEqual(1f, sd["classifier.weight"][0, 0].item<float>());
    }

    [Fact]
    public void LayerSubset_OutOfRange_NamesTheLayerAndTheCount()
    {
        using var model = new Layered(3, 2);
        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Check(model, SixLayerCheckpoint(), BertLike, layers: [0, 2, 7], keepHead: false));
        Assert.Contains("layer 7 is out of range: the checkpoint has 6 layers (0-5)", e.Message);
        Assert.Contains("six-layers.safetensors", e.Message);
    }

    [Fact]
    public void AllLayers_ConfigWithFewerLayers_SaysHowToFix()
    {
        using var model = new Layered(4, 2);
        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Check(model, SixLayerCheckpoint(), BertLike, layers: null, keepHead: false));
        Assert.Contains("the config gives the student 4 layers but the checkpoint has 6", e.Message);
    }

    [Fact]
    public void KeepHead_ClassCountDiffers_SaysToUseANewHead()
    {
        using var model = new Layered(3, 5);
        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Check(model, SixLayerCheckpoint(classes: 2), BertLike, layers: [0, 1, 2], keepHead: true));
        Assert.Contains("'classifier.weight' is [2, 3] in the file but the model needs [5, 3]", e.Message);
        Assert.Contains("set newHead to true", e.Message);
    }

    [Fact]
    public void KeepHead_SameClassCount_LoadsTheHead()
    {
        using var model = new Layered(6, 2);
        CheckpointLoader.Load(model, SixLayerCheckpoint(prefix: false), BertLike, layers: null, keepHead: true);
        Assert.Equal(1f, model.state_dict()["classifier.weight"][1, 2].item<float>());
    }

    [Fact]
    public void Check_ReadsNoTensorData()
    {
        var reads = 0;
        var tensors = SixLayerCheckpoint().Tensors.ToDictionary(kv => kv.Key,
            kv => new CheckpointTensor(kv.Key, kv.Value.DType, kv.Value.Shape, () => { reads++; return new byte[0]; }));
        using var model = new Layered(6, 2);
        CheckpointLoader.Check(model, new Checkpoint { Source = "x", Tensors = tensors }, BertLike, null, keepHead: false);
        Assert.Equal(0, reads);
    }
}
