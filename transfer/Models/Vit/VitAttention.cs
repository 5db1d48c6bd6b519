using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Vit;

/// <summary>
/// timm's ViT <c>Attention</c>: one <c>qkv</c> Linear (D to 3D, bias) split into heads, scaled dot-product attention
/// (libtorch's fused kernel, scale 1/sqrt(head dim)), heads merged, output Linear <c>proj</c>.
/// </summary>
public sealed class VitAttention : nn.Module<Tensor, Tensor>
{
    private readonly int _heads;
    [ComponentName(Name = "qkv")]
    private readonly Linear _qkv;
    [ComponentName(Name = "proj")]
    private readonly Linear _proj;

    public VitAttention(int dim, int heads) : base("Attention")
    {
        _heads = heads;
        _qkv = nn.Linear(dim, dim * 3, hasBias: true);
        _proj = nn.Linear(dim, dim, hasBias: true);
        RegisterComponents(); // the fields, by their [ComponentName]s
    }

    public override Tensor forward(Tensor x)
    {
        var (b, n, d) = (x.shape[0], x.shape[1], x.shape[2]);
        var qkv = _qkv.call(x).reshape(b, n, 3, _heads, d / _heads).permute(2, 0, 3, 1, 4); // (3, B, heads, N, hd)
        var o = nn.functional.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2]);          // (B, heads, N, hd)
        return _proj.call(o.transpose(1, 2).reshape(b, n, d));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _qkv.Dispose();
            _proj.Dispose();
        }
        base.Dispose(disposing);
    }
}
