namespace AftSweep.Client.Reporting;

/// <summary>Stage-1 outcome of one cell: the chosen lambda and every lambda's mean holdout accuracy.</summary>
/// <param name="Edge">"lowest" / "highest" when the chosen lambda is an end of a grid of several ("widen the grid"); else null.</param>
/// <param name="HoldoutRows">Holdout rows the choice was made on; null without selection records.</param>
public sealed record LambdaRow(string Method, string Combo, double? ChosenLambda, IReadOnlyList<LambdaScoreRow> Scores, IReadOnlyList<string> Warnings,
    string? Edge = null, int? HoldoutRows = null);

public sealed record LambdaScoreRow(double Lambda, double MeanHoldoutAccuracy, int Seeds);

/// <summary>A method's relative error reduction vs stl per column, and its mean over the columns where it is defined.</summary>
public sealed record ErrorReductionRow(string Method, double? Mean, IReadOnlyList<ComboValue> PerCombo);

public sealed record ComboValue(string Combo, double Value);

/// <summary>Learned rho of one teacher's block in one cell, averaged over the finished final seeds.</summary>
public sealed record RhoRow(string Method, string Combo, string Teacher, string Spec, int Width, double Sum, double Mean, int Seeds, bool IsNoise);

public sealed record FailureRow(string Method, string Combo, string TrialId, string Stage, double? Lambda, int Seed, int Attempts, string Error);
