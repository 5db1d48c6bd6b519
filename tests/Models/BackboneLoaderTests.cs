using System.Text;
using System.Text.Json;
using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Tests.Models;

public sealed class BackboneLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aftsweep-init-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static DownstreamModel Create(string name, InputShape input, int seed, string? init = null) =>
        DownstreamModelFactory.Create(new DownstreamSpec { Model = name, Init = init }, input, 4, CPU, seed);

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
    public void Load_Safetensors_BackboneCopied()
    {
        using var original = Create("mlp", InputShape.Vector(6), seed: 3);
        var path = Path.Combine(_dir, "mlp.safetensors");
        WriteSafetensors(path, original.state_dict().Where(kv => !kv.Key.StartsWith("head", StringComparison.Ordinal)));
        using var loaded = Create("mlp", InputShape.Vector(6), seed: 4, init: path);
        Assert.True(loaded.state_dict()["fc1.weight"].allclose(original.state_dict()["fc1.weight"], rtol: 0, atol: 0));
        Assert.True(loaded.state_dict()["fc2.bias"].allclose(original.state_dict()["fc2.bias"], rtol: 0, atol: 0));
    }

    [Fact]
    public void Load_ShapeMismatch_NamesParameterAndBothShapes()
    {
        var path = Path.Combine(_dir, "mlp20.bin");
        using (var source = Create("mlp", InputShape.Vector(20), seed: 1)) source.save(path);
        var e = Assert.Throws<InvalidDataException>(() => Create("mlp", InputShape.Vector(30), seed: 1, init: path));
        Assert.Contains("'fc1.weight'", e.Message);
        Assert.Contains("[256, 20] in the file", e.Message);
        Assert.Contains("[256, 30] in the model", e.Message);
    }

    [Fact]
    public void Load_OtherArchitecture_ListsUnexpectedEntries()
    {
        var path = Path.Combine(_dir, "cnn-for-mlp.bin");
        using (var source = Create("cnn-small", InputShape.Image(3, 8, 8), seed: 1)) source.save(path);
        var e = Assert.Throws<InvalidDataException>(() => Create("mlp", InputShape.Image(3, 8, 8), seed: 1, init: path));
        Assert.Contains("conv1.weight", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Load_MissingFile_NamesIt()
    {
        var path = Path.Combine(_dir, "absent.bin");
        var e = Assert.Throws<FileNotFoundException>(() => Create("mlp", InputShape.Vector(3), seed: 1, init: path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Load_TruncatedFile_IsInvalidData()
    {
        var path = Path.Combine(_dir, "cut.bin");
        using (var source = Create("mlp", InputShape.Vector(5), seed: 1)) source.save(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => Create("mlp", InputShape.Vector(5), seed: 1, init: path));
        Assert.Contains("truncated", e.Message);
    }

    private static void WriteSafetensors(string path, IEnumerable<KeyValuePair<string, Tensor>> entries)
    {
        var header = new Dictionary<string, object>();
        using var data = new MemoryStream();
        foreach (var (name, t) in entries)
        {
            var bytes = t.contiguous().bytes.ToArray();
            header[name] = new { dtype = "F32", shape = t.shape, data_offsets = new[] { data.Length, data.Length + bytes.Length } };
            data.Write(bytes);
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((ulong)json.Length));
        file.Write(json);
        data.Position = 0;
        data.CopyTo(file);
    }
}
