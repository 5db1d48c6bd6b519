using System.Diagnostics;
using AftSweep.Transfer.Regularisers;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Tests.Regularisers;

public sealed class RkdBehaviourTests
{
    [Fact]
    public void Rkd_Batch128Width512_RunsForwardAndBackwardWithinMemory()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(21);
        var g = TestTensors.Randn(gen, 128, 512, ScalarType.Float32).requires_grad_(true);
        var phi = TestTensors.Randn(gen, 128, 512, ScalarType.Float32);
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.WorkingSet64;

        var r = RkdRegulariser.Loss(g, phi);
        r.backward();

        process.Refresh();
        var grown = process.PeakWorkingSet64 - before;
        Assert.True(TestTensors.AllFinite(r) && TestTensors.AllFinite(g.grad!), "rkd at B = 128 produced NaN or Inf");
        Assert.True(r.item<float>() > 0);
        // A (B, B, B, d) broadcast would need 128^3 * 512 * 4 B = 4.3 GB per tensor; the batched matmul needs ~35 MB
        // per (B, B, d) tensor. 1.5 GB bounds the process's peak growth with room for the allocator.
        Assert.True(grown < 1_500_000_000L, $"peak working set grew by {grown / 1e6:F0} MB");
    }

    [Fact]
    public void Rkd_StudentIsScaledRotatedTranslatedTeacher_RIsZero()
    {
        // Distances (normalised by their mean) and angles are invariant to rotation, translation and scale.
        using var scope = NewDisposeScope();
        var gen = new Generator(22);
        var phi = TestTensors.Randn(gen, 16, 6);
        var g = 3 * phi.mm(TestTensors.Orthogonal(gen, 6)) + 2;
        var unrelated = TestTensors.Randn(gen, 16, 6);

        Assert.Equal(0.0, RkdRegulariser.Loss(g, phi).item<double>(), 12);
        Assert.True(RkdRegulariser.Loss(unrelated, phi).item<double>() > 1e-3);
    }

    [Fact]
    public void Rkd_BatchOfOne_IsFinite()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(23);
        var g = TestTensors.Randn(gen, 1, 5).requires_grad_(true);
        var r = RkdRegulariser.Loss(g, TestTensors.Randn(gen, 1, 7));
        r.backward();

        Assert.Equal(0.0, r.item<double>());
        Assert.True(TestTensors.AllFinite(g.grad!));
    }

    [Fact]
    public void Rkd_TeacherSide_GetsNoGradient()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(24);
        var g = TestTensors.Randn(gen, 8, 5).requires_grad_(true);
        var phi = TestTensors.Randn(gen, 8, 7).requires_grad_(true);
        RkdRegulariser.Loss(g, phi).backward();

        Assert.Null(phi.grad);
        Assert.True(g.grad!.abs().sum().item<double>() > 0);
    }
}
