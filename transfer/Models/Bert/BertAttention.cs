using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Bert;

/// <summary>transformers' BertAttention: self-attention (<c>self</c>) then its residual output (<c>output</c>).</summary>
public sealed class BertAttention : nn.Module
{
    [ComponentName(Name = "self")]
    private readonly BertSelfAttention _self;
    [ComponentName(Name = "output")]
    private readonly BertResidualOutput _output;

    public BertAttention(BertConfig config, double dropout) : base(nameof(BertAttention))
    {
        _self = new BertSelfAttention(config, dropout);
        _output = new BertResidualOutput(config.HiddenSize, config, dropout);
        RegisterComponents();
    }

    /// <summary>(B, L, H) and the key mask (B, 1, 1, L) to (B, L, H).</summary>
    public Tensor forward(Tensor h, Tensor keys) => _output.call(_self.forward(h, keys), h);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _self.Dispose();
            _output.Dispose();
        }
        base.Dispose(disposing);
    }
}
