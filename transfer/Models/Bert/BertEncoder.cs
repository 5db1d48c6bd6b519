using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Bert;

/// <summary>transformers' BertEncoder: the stack of layers, registered as <c>layer</c> so they are <c>encoder.layer.{i}</c>.</summary>
public sealed class BertEncoder : nn.Module
{
    [ComponentName(Name = "layer")]
    private readonly ModuleList<BertLayer> _layers;

    public BertEncoder(BertConfig config, double dropout) : base(nameof(BertEncoder))
    {
        _layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new BertLayer(config, dropout)).ToArray());
        RegisterComponents();
    }

    /// <summary>(B, L, H) and the key mask (B, 1, 1, L) to (B, L, H).</summary>
    public Tensor forward(Tensor h, Tensor keys)
    {
        foreach (var layer in _layers) h = layer.forward(h, keys);
        return h;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _layers.Dispose();
        base.Dispose(disposing);
    }
}
