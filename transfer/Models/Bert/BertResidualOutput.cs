using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Bert;

/// <summary>
/// transformers' BertSelfOutput and BertOutput, which are the same computation: LayerNorm(dropout(dense(x)) +
/// residual), post-norm as in BERT. Used as <c>attention.output</c> (H to H) and <c>output</c> (intermediate to H).
/// </summary>
public sealed class BertResidualOutput : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "dense")]
    private readonly Linear _dense;
    [ComponentName(Name = "LayerNorm")]
    private readonly LayerNorm _norm;
    private readonly double _dropout;

    public BertResidualOutput(long inFeatures, BertConfig config, double dropout) : base(nameof(BertResidualOutput))
    {
        _dense = nn.Linear(inFeatures, config.HiddenSize);
        _norm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        _dropout = dropout;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor residual)
    {
        var h = _dense.call(x);
        if (_dropout > 0 && training) h = nn.functional.dropout(h, _dropout, training);
        return _norm.call(h.add_(residual));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _dense.Dispose();
            _norm.Dispose();
        }
        base.Dispose(disposing);
    }
}
