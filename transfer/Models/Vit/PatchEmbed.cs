using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Vit;

/// <summary>timm's <c>PatchEmbed</c>: a patch-size, patch-stride conv <c>proj</c> (with bias), flattened to tokens.</summary>
public sealed class PatchEmbed : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "proj")]
    private readonly Conv2d _proj;

    public PatchEmbed(int inChannels, int embedDim, int patchSize) : base(nameof(PatchEmbed))
    {
        _proj = nn.Conv2d(inChannels, embedDim, patchSize, stride: patchSize, bias: true);
        RegisterComponents(); // the fields, by their [ComponentName]s
    }

    /// <summary>(B, C, H, W) to (B, H/p * W/p, D), patches in row-major order.</summary>
    public override Tensor forward(Tensor x) => _proj.call(x).flatten(2).transpose(1, 2);

    protected override void Dispose(bool disposing)
    {
        if (disposing) _proj.Dispose();
        base.Dispose(disposing);
    }
}
