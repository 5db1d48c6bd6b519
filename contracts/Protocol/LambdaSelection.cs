namespace AftSweep.Contracts.Protocol;

/// <summary>One lambda's stage-1 holdout accuracies, one per finished selection seed.</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.LambdaScore.v1")]
public sealed record LambdaScore([property: Id(0)] double Lambda, [property: Id(1)] IReadOnlyList<double> HoldoutAccuracies)
{
    public double MeanHoldoutAccuracy => HoldoutAccuracies.Count == 0 ? double.NaN : HoldoutAccuracies.Average();
}

/// <summary>The lambda a cell trains its final stage with, and every candidate's score (sorted by lambda).</summary>
[GenerateSerializer, Immutable, Alias("aftsweep.LambdaChoice.v1")]
public sealed record LambdaChoice(
    [property: Id(0)] double Lambda,
    [property: Id(1)] double MeanHoldoutAccuracy,
    [property: Id(2)] IReadOnlyList<LambdaScore> Scores);

/// <summary>
/// Stage-1 rule (methods.md, step 2): the lambda with the highest mean holdout accuracy over the selection seeds;
/// ties go to the smaller lambda. Means closer than <see cref="TieTolerance"/> count as ties, so the order in which
/// the seeds' accuracies were summed cannot decide between two lambdas that scored the same.
/// </summary>
public static class LambdaSelection
{
    public const double TieTolerance = 1e-12;

    public static LambdaChoice Choose(IEnumerable<LambdaScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var sorted = scores.OrderBy(s => s.Lambda).ToList();
        if (sorted.Count == 0)
        {
            throw new ArgumentException("no lambda has a finished selection trial: nothing to choose from", nameof(scores));
        }

        foreach (var score in sorted)
        {
            if (!double.IsFinite(score.Lambda) || score.Lambda <= 0)
            {
                throw new ArgumentException($"lambda {score.Lambda}: must be a positive number", nameof(scores));
            }

            if (score.HoldoutAccuracies.Count == 0 || score.HoldoutAccuracies.Any(a => !double.IsFinite(a)))
            {
                throw new ArgumentException($"lambda {score.Lambda}: needs at least one finite holdout accuracy", nameof(scores));
            }
        }

        var duplicate = sorted.GroupBy(s => s.Lambda).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"lambda {duplicate.Key} appears {duplicate.Count()} times: merge its seeds into one score", nameof(scores));
        }

        // Ascending lambda + strict improvement keeps the smaller lambda on a tie.
        var best = sorted[0];
        foreach (var score in sorted.Skip(1))
        {
            if (score.MeanHoldoutAccuracy > best.MeanHoldoutAccuracy + TieTolerance)
            {
                best = score;
            }
        }

        return new LambdaChoice(best.Lambda, best.MeanHoldoutAccuracy, sorted);
    }

    /// <summary>Chooses among raw (lambda, holdout accuracy) observations, several per lambda when there are
    /// several selection seeds; null when there are none yet.</summary>
    public static LambdaChoice? ChooseFrom(IEnumerable<(double Lambda, double HoldoutAccuracy)> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        var scores = observations
            .GroupBy(o => o.Lambda)
            .Select(g => new LambdaScore(g.Key, g.Select(o => o.HoldoutAccuracy).ToList()))
            .ToList();
        return scores.Count == 0 ? null : Choose(scores);
    }
}
