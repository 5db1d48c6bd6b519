using AftSweep.Transfer.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Regularisers;

/// <summary>
/// btuning (B-Tuning; methods.md): y = g @ mu_down^T, y_t = sum_i w_i phi_i @ mu_i^T with w = softmax(LogME_i / 0.1),
/// R = mean (y - y_t)^2. Nothing is learned; the teacher side carries no gradient. The teacher sum is folded into one
/// (C, d_p) matrix [w_1 mu_1 | w_2 mu_2 | ...] so a step costs one matmul per side.
/// </summary>
public sealed class BTuningRegulariser : Regulariser
{
    public const double Temperature = 0.1;

    /// <param name="student">LogME of the downstream model's initial features (mu_down: C x d_s).</param>
    /// <param name="teachers">LogME of each teacher's training features, in combo order (mu_i: C x d_i).</param>
    public BTuningRegulariser(LogMeResult student, IReadOnlyList<LogMeResult> teachers) : base("btuning")
    {
        if (teachers.Count == 0) throw new ArgumentException("btuning needs at least one teacher");
        if (teachers.Any(t => t.Classes != student.Classes))
            throw new ArgumentException($"btuning: LogME class counts disagree: student {student.Classes}, teachers {string.Join(", ", teachers.Select(t => t.Classes))}");
        Weights = TeacherWeights(teachers.Select(t => t.Score).ToArray());
        var studentMu = tensor(student.Mu, [student.Classes, student.Dim]).to(ScalarType.Float32);
        var blocks = teachers.Select((t, i) => tensor(t.Mu, [t.Classes, t.Dim]) * Weights[i]).ToArray();
        var teacherMu = cat(blocks, 1).to(ScalarType.Float32);                        // (C, d_p)
        foreach (var b in blocks) b.Dispose();
        register_buffer("student_mu", studentMu);
        register_buffer("teacher_mu", teacherMu);
    }

    /// <summary>w_i = softmax(score_i / 0.1), in combo order.</summary>
    public double[] Weights { get; }

    public override Tensor Compute(Tensor g, Tensor phi)
    {
        var sMu = get_buffer("student_mu")!;
        var tMu = get_buffer("teacher_mu")!;
        if (phi.shape[1] != tMu.shape[1])
            throw new ArgumentException($"btuning: teacher features have width {phi.shape[1]}, the LogME weights {tMu.shape[1]}");
        if (g.shape[1] != sMu.shape[1])
            throw new ArgumentException($"btuning: student features have width {g.shape[1]}, mu_down {sMu.shape[1]}");
        Tensor target;
        using (no_grad()) target = phi.mm(tMu.t());                               // (B, C)
        using (target)
        {
            using var predicted = g.mm(sMu.t());                                    // (B, C)
            return nn.functional.mse_loss(predicted, target);
        }
    }

    public static double[] TeacherWeights(IReadOnlyList<double> scores)
    {
        var max = scores.Max();
        var exp = scores.Select(s => System.Math.Exp((s - max) / Temperature)).ToArray();
        var sum = exp.Sum();
        return exp.Select(e => e / sum).ToArray();
    }
}
