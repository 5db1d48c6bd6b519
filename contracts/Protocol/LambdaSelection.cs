namespace AftSweep.Contracts.Protocol;

/// <summary>One lambda's stage-1 score: mean holdout accuracy over the selection seeds that finished.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.LambdaScore.v1")]
public sealed record LambdaScore(
    [property: Id(0)] double Lambda,
    [property: Id(1)] double MeanHoldoutAccuracy,
    [property: Id(2)] int Seeds);

/// <summary>The chosen lambda of a cell and every candidate's score, ascending by lambda.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.LambdaChoice.v1")]
public sealed record LambdaChoice(
    [property: Id(0)] double Lambda,
    [property: Id(1)] double HoldoutAccuracy,
    [property: Id(2)] IReadOnlyList<LambdaScore> Scores);

/// <summary>
/// Stage 2 of methods.md: the lambda with the highest holdout accuracy wins; ties go to the smaller lambda.
/// With several selection seeds a lambda's score is the mean over its finished seeds.
/// </summary>
public static class LambdaSelection
{
    /// <summary>Accuracies closer than this are a tie: averaging the same numbers in another order must not flip a choice.</summary>
    public const double TieTolerance = 1e-12;

    /// <summary>Chooses among (lambda, holdout accuracy) observations; null when there are none.</summary>
    public static LambdaChoice? Choose(IEnumerable<(double Lambda, double HoldoutAccuracy)> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        var scores = observations
            .GroupBy(o => o.Lambda)
            .Select(g => new LambdaScore(g.Key, g.Average(o => o.HoldoutAccuracy), g.Count()))
            .OrderBy(s => s.Lambda)
            .ToList();
        if (scores.Count == 0) return null;
        foreach (var s in scores)
        {
            if (double.IsNaN(s.MeanHoldoutAccuracy))
                throw new ArgumentException($"lambda {s.Lambda}: holdout accuracy is NaN", nameof(observations));
        }

        // Ascending lambda order + strict improvement beyond the tolerance = ties keep the smaller lambda.
        var best = scores[0];
        foreach (var s in scores.Skip(1))
        {
            if (s.MeanHoldoutAccuracy > best.MeanHoldoutAccuracy + TieTolerance) best = s;
        }
        return new LambdaChoice(best.Lambda, best.MeanHoldoutAccuracy, scores);
    }
}
