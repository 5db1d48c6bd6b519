using AftSweep.Transfer.Bundled;
using AftSweep.Transfer.Models.Checkpoints.Onnx;

namespace AftSweep.Tests.Checkpoints;

/// <summary>
/// One conversion (and one read of each bundled ONNX file) per source for all the checkpoint test classes: each
/// takes about a second and tens of MB.
/// </summary>
public sealed class OfflineCheckpointFixture
{
    private readonly Dictionary<string, Lazy<OnnxConversion>> _conversions =
        OnnxCheckpoints.Sources.ToDictionary(s => s, s => new Lazy<OnnxConversion>(() => OnnxCheckpoints.Convert(s)));

    private readonly Dictionary<string, Lazy<OnnxModel>> _models = new()
    {
        [OnnxCheckpoints.MiniLm] = new(() => OnnxModelReader.Read(BundledModels.MiniLm.ReadModel(), OnnxCheckpoints.MiniLm)),
        [OnnxCheckpoints.ArcticXs] = new(() => OnnxModelReader.Read(BundledModels.ArcticXs.ReadModel(), OnnxCheckpoints.ArcticXs)),
        [OnnxCheckpoints.ResNet18ImageNet] = new(() => OnnxModelReader.Read(BundledModels.ResNet18Model)),
    };

    public OnnxConversion this[string source] => _conversions[source].Value;

    /// <summary>The ONNX model a source is converted from, as read.</summary>
    public OnnxModel Model(string source) => _models[source].Value;
}

[CollectionDefinition(Name)]
public sealed class OfflineCheckpointCollection : ICollectionFixture<OfflineCheckpointFixture>
{
    public const string Name = "offline checkpoints";
}
