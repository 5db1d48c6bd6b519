using AftSweep.Transfer.Torch;

namespace AftSweep.Transfer.Models.Architectures;

/// <summary>What image architectures share: the pixel pipeline a checkpoint expects.</summary>
public abstract class ImageArchitecture(string name) : StudentArchitecture(name)
{
    /// <summary>The family's normalisation for checkpoint files that do not state theirs.</summary>
    protected abstract ImagePreprocessing FamilyDefault { get; }

    /// <summary>
    /// The offline source's own preprocessing, else the config's <c>mean</c>/<c>std</c>, else the family's default
    /// for a checkpoint file, else CIFAR-10's mean/std for a random init (what from-scratch students always used);
    /// resized to the grid's <c>resolution</c>.
    /// </summary>
    protected ImagePreprocessing Preprocessing(StudentRequest request)
    {
        var config = request.Config;
        var chosen = request.Checkpoint?.Preprocessing
                     ?? (request.Spec.Init is null ? ImagePreprocessing.Cifar : FamilyDefault);
        if (config.Floats("mean", 3) is { } mean) chosen = chosen with { Name = "config-mean-std", Mean = mean, MeanHeight = 1, MeanWidth = 1 };
        if (config.Floats("std", 3) is { } std) chosen = chosen with { Name = "config-mean-std", Std = std };
        chosen = chosen with { Resolution = request.Spec.Resolution };
        chosen.Validate();
        return chosen;
    }
}
