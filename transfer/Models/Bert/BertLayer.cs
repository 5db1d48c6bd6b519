using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Bert;

/// <summary>transformers' BertLayer: attention, then the feed-forward block (<c>intermediate</c>, <c>output</c>), each post-norm.</summary>
public sealed class BertLayer : nn.Module
{
    [ComponentName(Name = "attention")]
    private readonly BertAttention _attention;
    [ComponentName(Name = "intermediate")]
    private readonly BertIntermediate _intermediate;
    [ComponentName(Name = "output")]
    private readonly BertResidualOutput _output;

    public BertLayer(BertConfig config, double dropout) : base(nameof(BertLayer))
    {
        _attention = new BertAttention(config, dropout);
        _intermediate = new BertIntermediate(config);
        _output = new BertResidualOutput(config.IntermediateSize, config, dropout);
        RegisterComponents();
    }

    /// <summary>(B, L, H) and the key mask (B, 1, 1, L) to (B, L, H).</summary>
    public Tensor forward(Tensor h, Tensor keys)
    {
        var attended = _attention.forward(h, keys);
        return _output.call(_intermediate.call(attended), attended);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _attention.Dispose();
            _intermediate.Dispose();
            _output.Dispose();
        }
        base.Dispose(disposing);
    }
}
