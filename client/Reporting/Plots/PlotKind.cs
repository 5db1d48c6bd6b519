namespace AftSweep.Client.Reporting.Plots;

public enum PlotKind
{
    /// <summary>Figure 3: downstream accuracy vs linear-probe accuracy per teacher combo, Pearson r per method.</summary>
    LpCorrelation = 1,
    /// <summary>Figure 6: accuracy vs number of noise features, and learned rho on real vs noise features.</summary>
    NoiseRobustness = 2,
    /// <summary>Training loss and train accuracy per epoch of the final trials, per method and combo.</summary>
    LearningCurves = 3,
}

public static class PlotKinds
{
    public const string Names = "lp-correlation, noise-robustness, learning-curves";

    public static PlotKind Parse(string name) => name.ToLowerInvariant() switch
    {
        "lp-correlation" => PlotKind.LpCorrelation,
        "noise-robustness" => PlotKind.NoiseRobustness,
        "learning-curves" => PlotKind.LearningCurves,
        _ => throw new ReportInputException($"--kind: '{name}' is not a plot kind (expected one of {Names})"),
    };
}
