using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Regularisers;

/// <summary>
/// Factor transfer's paraphraser (methods.md, "Factor transfer"): an autoencoder on the teacher features, d = d_p.
/// encoder Lin(d,d) ReLU Lin(d,d/2) ReLU Lin(d/2,d/2) ReLU; decoder Lin(d/2,d/2) ReLU Lin(d/2,d) ReLU Lin(d,d).
/// The factor f(phi) is the encoder output.
/// </summary>
public sealed class Paraphraser : nn.Module<Tensor, Tensor>
{
    private readonly Sequential encoder;
    private readonly Sequential decoder;

    public Paraphraser(int teacherDim, Generator generator) : base("paraphraser")
    {
        if (teacherDim < 2) throw new ArgumentOutOfRangeException(nameof(teacherDim), teacherDim, "ft needs a teacher width of at least 2 (the factor is d/2 wide)");
        TeacherDim = teacherDim;
        var d = teacherDim;
        var half = FactorDim;
        encoder = nn.Sequential(
            SeededInit.Linear(d, d, generator), nn.ReLU(),
            SeededInit.Linear(d, half, generator), nn.ReLU(),
            SeededInit.Linear(half, half, generator), nn.ReLU());
        decoder = nn.Sequential(
            SeededInit.Linear(half, half, generator), nn.ReLU(),
            SeededInit.Linear(half, d, generator), nn.ReLU(),
            SeededInit.Linear(d, d, generator));
        RegisterComponents();
    }

    public int TeacherDim { get; }

    /// <summary>d_f = d_p / 2 (rounded down).</summary>
    public int FactorDim => TeacherDim / 2;

    public Sequential Encoder => encoder;

    /// <summary>Reconstruction of the teacher features.</summary>
    public override Tensor forward(Tensor phi)
    {
        using var factor = encoder.forward(phi);
        return decoder.forward(factor);
    }

    /// <summary>Describes the architecture for cache keys; bump the version when the layout changes.</summary>
    public static string Architecture(int teacherDim) =>
        $"paraphraser.v1(d={teacherDim}: Lin(d,d) ReLU Lin(d,d/2) ReLU Lin(d/2,d/2) ReLU | Lin(d/2,d/2) ReLU Lin(d/2,d) ReLU Lin(d,d))";
}
