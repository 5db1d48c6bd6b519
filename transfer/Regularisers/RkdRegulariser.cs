using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Regularisers;

/// <summary>
/// rkd (Park et al.; methods.md, "Relational KD"): R = (L_dist + 2 L_angle) / 2 on raw g and raw phi, teacher side
/// without gradient. No learned parameters.
/// </summary>
public sealed class RkdRegulariser() : Regulariser("rkd")
{
    private const double AngleWeight = 2.0;

    public override Tensor Compute(Tensor g, Tensor phi) => Loss(g, phi);

    public static Tensor Loss(Tensor g, Tensor phi)
    {
        if (g.shape[0] != phi.shape[0])
            throw new ArgumentException($"rkd: student batch {g.shape[0]} != teacher batch {phi.shape[0]}");
        Tensor teacherDistance, teacherAngle;
        using (no_grad())
        {
            using var teacherDiff = Differences(phi);
            teacherDistance = NormalisedDistances(teacherDiff);
            teacherAngle = Angles(teacherDiff);
        }
        using var studentDiff = Differences(g);
        using var studentDistance = NormalisedDistances(studentDiff);
        using var studentAngle = Angles(studentDiff);
        using var distanceLoss = nn.functional.smooth_l1_loss(studentDistance, teacherDistance, beta: 1.0);
        using var angleLoss = nn.functional.smooth_l1_loss(studentAngle, teacherAngle, beta: 1.0);
        teacherDistance.Dispose();
        teacherAngle.Dispose();
        return (distanceLoss + AngleWeight * angleLoss) / 2;
    }

    /// <summary>diff[a, b] = x_b - x_a, (B, B, d): the one O(B^2 d) tensor both terms share.</summary>
    private static Tensor Differences(Tensor x) => x.unsqueeze(0) - x.unsqueeze(1);

    /// <summary>Pairwise Euclidean distances divided by the mean of the positive ones, (B, B).</summary>
    private static Tensor NormalisedDistances(Tensor diff)
    {
        var b = diff.shape[0];
        using var squared = diff.square().sum(2);                                   // (B, B), exactly 0 on the diagonal
        using var offDiagonal = ones(b, b, dtype: diff.dtype, device: diff.device) - eye(b, dtype: diff.dtype, device: diff.device);
        // Clamp before the root so the diagonal's gradient is 0, not 0 * inf.
        using var distance = squared.clamp_min(1e-12).sqrt() * offDiagonal;
        using var positive = (distance > 0).sum().to(diff.dtype);
        // B = 1 has no positive distance: divide by 1 rather than produce 0 / 0.
        using var mean = where(positive > 0, distance.sum() / positive.clamp_min(1), ones_like(positive));
        return distance / mean;
    }

    /// <summary>A[a, b, c] = &lt;e[a, b], e[a, c]&gt; with e the unit differences (0 for a = b), (B, B, B), by one
    /// batched matmul rather than a 4-D broadcast.</summary>
    private static Tensor Angles(Tensor diff)
    {
        using var unit = nn.functional.normalize(diff, p: 2, dim: 2);              // (B, B, d)
        return unit.bmm(unit.transpose(1, 2));
    }
}
