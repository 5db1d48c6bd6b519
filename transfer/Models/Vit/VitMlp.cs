using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Vit;

/// <summary>timm's <c>Mlp</c>: <c>fc1</c>, exact (erf) GELU, <c>fc2</c>.</summary>
public sealed class VitMlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "fc1")]
    private readonly Linear _fc1;
    [ComponentName(Name = "fc2")]
    private readonly Linear _fc2;

    public VitMlp(int dim, int hidden) : base("Mlp")
    {
        _fc1 = nn.Linear(dim, hidden, hasBias: true);
        _fc2 = nn.Linear(hidden, dim, hasBias: true);
        RegisterComponents(); // the fields, by their [ComponentName]s
    }

    public override Tensor forward(Tensor x) => _fc2.call(nn.functional.gelu(_fc1.call(x)));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _fc1.Dispose();
            _fc2.Dispose();
        }
        base.Dispose(disposing);
    }
}
