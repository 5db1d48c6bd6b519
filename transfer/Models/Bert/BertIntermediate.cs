using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Bert;

/// <summary>transformers' BertIntermediate: the feed-forward expansion, dense then the activation (exact GELU by default).</summary>
public sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "dense")]
    private readonly Linear _dense;
    private readonly string _activation;

    public BertIntermediate(BertConfig config) : base(nameof(BertIntermediate))
    {
        _dense = nn.Linear(config.HiddenSize, config.IntermediateSize);
        _activation = config.HiddenAct;
        RegisterComponents();
    }

    public override Tensor forward(Tensor h)
    {
        var x = _dense.call(h);
        return _activation switch
        {
            BertConfig.Gelu => nn.functional.gelu(x),
            BertConfig.Relu => nn.functional.relu(x),
            _ => nn.functional.gelu(x, GELU.Approximate.tanh), // gelu_new, gelu_pytorch_tanh
        };
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _dense.Dispose();
        base.Dispose(disposing);
    }
}
