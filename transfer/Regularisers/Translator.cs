using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Regularisers;

/// <summary>ft's translator T: Lin(d_s,d_s) ReLU Lin(d_s,d_f) ReLU Lin(d_f,d_f), last weight zero-initialised
/// (its bias keeps the default init).</summary>
public sealed class Translator : nn.Module<Tensor, Tensor>
{
    private readonly Sequential layers;

    public Translator(int studentDim, int factorDim, Generator generator) : base("translator")
    {
        layers = nn.Sequential(
            SeededInit.Linear(studentDim, studentDim, generator), nn.ReLU(),
            SeededInit.Linear(studentDim, factorDim, generator), nn.ReLU(),
            SeededInit.Linear(factorDim, factorDim, generator, zeroWeight: true));
        RegisterComponents();
    }

    public override Tensor forward(Tensor g) => layers.forward(g);
}
