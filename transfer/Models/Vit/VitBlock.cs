using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Vit;

/// <summary>timm's pre-norm <c>Block</c>: x + attn(norm1(x)), then x + mlp(norm2(x)) (no layer scale, no drop path).</summary>
public sealed class VitBlock : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "norm1")]
    private readonly LayerNorm _norm1;
    [ComponentName(Name = "attn")]
    private readonly VitAttention _attn;
    [ComponentName(Name = "norm2")]
    private readonly LayerNorm _norm2;
    [ComponentName(Name = "mlp")]
    private readonly VitMlp _mlp;

    public VitBlock(VitConfig config) : base("Block")
    {
        _norm1 = nn.LayerNorm(config.EmbedDim, eps: config.LayerNormEps);
        _attn = new VitAttention(config.EmbedDim, config.NumHeads);
        _norm2 = nn.LayerNorm(config.EmbedDim, eps: config.LayerNormEps);
        _mlp = new VitMlp(config.EmbedDim, config.MlpHidden);
        RegisterComponents(); // the fields, by their [ComponentName]s
    }

    public override Tensor forward(Tensor x)
    {
        x = x + _attn.call(_norm1.call(x));
        return x + _mlp.call(_norm2.call(x));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _norm1.Dispose();
            _attn.Dispose();
            _norm2.Dispose();
            _mlp.Dispose();
        }
        base.Dispose(disposing);
    }
}
