namespace AftSweep.Transfer.Training;

/// <summary>
/// Cosine annealing to 0 stepped once per epoch with T_max = epochs, in closed form: the rate used during epoch e
/// (0-based) is base * (1 + cos(pi * e / epochs)) / 2. PyTorch's CosineAnnealingLR (eta_min 0) gives the same values
/// through its recursive update; the closed form avoids its floating-point drift.
/// </summary>
public static class CosineSchedule
{
    public static double LearningRate(double baseRate, int epoch, int epochs)
    {
        if (epochs <= 0) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "epochs must be positive");
        if (epoch < 0 || epoch > epochs) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, $"epoch must be in [0, {epochs}]");
        return baseRate * (1 + Math.Cos(Math.PI * epoch / epochs)) / 2;
    }
}
