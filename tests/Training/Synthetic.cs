using AftSweep.Transfer.Data;
using AftSweep.Transfer.Numerics;

namespace AftSweep.Tests.Training;

/// <summary>Small seeded datasets for trainer tests: Gaussian class blobs that a good learner separates.</summary>
internal static class Synthetic
{
    /// <summary><paramref name="rows"/> vectors of width <paramref name="dim"/>; class c has mean <paramref name="separation"/> on coordinate c.</summary>
    public static LabeledSplit Blobs(int rows, int dim, int classes, double separation, int seed)
    {
        var random = SplitMix64.For(seed, "blobs");
        var labels = new int[rows];
        var values = new float[rows * dim];
        for (var r = 0; r < rows; r++)
        {
            labels[r] = r % classes;
            for (var d = 0; d < dim; d++)
                values[r * dim + d] = (float)(Gaussian(ref random) + (d == labels[r] ? separation : 0));
        }
        return new LabeledSplit { Labels = labels, Vectors = new VectorBatch { Dim = dim, Values = values } };
    }

    /// <summary>Teacher features for <paramref name="labels"/>: informative (one-hot-ish plus noise) or pure noise.</summary>
    public static FeatureMatrix TeacherFeatures(IReadOnlyList<int> labels, int dim, bool informative, int seed)
    {
        var random = SplitMix64.For(seed, "teacher");
        var data = new float[labels.Count * dim];
        for (var r = 0; r < labels.Count; r++)
            for (var d = 0; d < dim; d++)
                data[r * dim + d] = (float)(0.5 * Gaussian(ref random) + (informative && d == labels[r] % dim ? 2.0 : 0));
        return new FeatureMatrix(labels.Count, dim, data);
    }

    public static double Gaussian(ref SplitMix64 random)
    {
        // Box-Muller from two uniforms in (0, 1].
        var u1 = random.NextDoubleNonZero();
        var u2 = random.NextDoubleNonZero();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
