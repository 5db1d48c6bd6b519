using AftSweep.Transfer.Models.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Tests.Models.Vision;

/// <summary>
/// The files tests/Fixtures/reference/make_vision_fixtures.py wrote with its plain-torch ports of torchvision's ResNet
/// and timm's VisionTransformer: weights (safetensors, the reference's own tensor names), inputs and float64 outputs.
/// </summary>
internal static class ReferenceFixture
{
    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "reference", file);

    public static IReadOnlyDictionary<string, CheckpointTensor> Read(string file) => SafetensorsFile.Read(PathOf(file));

    private static readonly Lazy<IReadOnlyDictionary<string, CheckpointTensor>> Inputs = new(() => Read("vision-inputs.safetensors"));
    private static readonly Lazy<IReadOnlyDictionary<string, CheckpointTensor>> Expected = new(() => Read("vision-expected.safetensors"));

    /// <summary>The fixed float32 input batch (B, 3, size, size).</summary>
    public static Tensor Image(int size) => Inputs.Value[$"image.{size}"].ToTensor();

    /// <summary>A reference output, e.g. <c>resnet50-w4.32.features</c> (float64, or float32 for pos_embed resamples).</summary>
    public static Tensor Output(string key) =>
        Expected.Value.TryGetValue(key, out var t) ? t.ToTensor() : throw new KeyNotFoundException($"reference output '{key}' is not in the fixture");

    /// <summary>
    /// Copies every tensor of <paramref name="file"/> into <paramref name="module"/>'s parameter or buffer of the same
    /// name: no renaming, the two name sets must be equal, shapes and dtypes must agree. <paramref name="adapt"/> may
    /// transform a stored tensor first (a checkpoint's pos_embed for another resolution). A stand-in for the
    /// checkpoint loader, strict so that a name or shape difference from the reference fails the test.
    /// </summary>
    public static void LoadByName(nn.Module module, string file, Func<string, Tensor, Tensor>? adapt = null)
    {
        var stored = Read(file);
        var state = module.state_dict();
        var missing = state.Keys.Except(stored.Keys).Order(StringComparer.Ordinal).ToList();
        var unexpected = stored.Keys.Except(state.Keys).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0 && unexpected.Count == 0,
            $"{file}: the module lacks [{string.Join(", ", unexpected)}]; the file lacks [{string.Join(", ", missing)}]");
        using var noGrad = no_grad();
        foreach (var (name, target) in state)
        {
            using var scope = NewDisposeScope();
            var source = stored[name].ToTensor();
            if (adapt is not null) source = adapt(name, source);
            Assert.True(source.dtype == target.dtype, $"{file}: '{name}' is {source.dtype} in the file, {target.dtype} in the module");
            Assert.True(source.shape.SequenceEqual(target.shape),
                $"{file}: '{name}' has shape [{string.Join(", ", source.shape)}] in the file, [{string.Join(", ", target.shape)}] in the module");
            target.copy_(source);
        }
    }

    /// <summary>max |actual - expected| / max |expected|, in float64.</summary>
    public static double RelativeError(Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var scope = NewDisposeScope();
        var e = expected.to(ScalarType.Float64);
        var diff = (actual.to(ScalarType.Float64) - e).abs().max().item<double>();
        return diff / Math.Max(e.abs().max().item<double>(), double.Epsilon);
    }
}
