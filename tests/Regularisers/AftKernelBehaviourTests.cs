using AftSweep.Transfer.Regularisers;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Tests.Regularisers;

public sealed class AftKernelBehaviourTests
{
    [Fact]
    public void AftIdentity_TeacherFeaturesRotated_RUnchanged()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(11);
        var g = TestTensors.Randn(gen, 32, 8);
        var phi = TestTensors.Randn(gen, 32, 12) + 3;      // off-centre, so the centring matters too
        var rotation = TestTensors.Orthogonal(gen, 12);
        var regulariser = new AftIdentityRegulariser(12);
        regulariser.to(ScalarType.Float64);

        var r = regulariser.Compute(g, phi).item<double>();
        var rotated = regulariser.Compute(g, phi.mm(rotation)).item<double>();

        Assert.True(r > 0.05, $"R = {r}: g is unrelated to phi, R should be well above its floor");
        Assert.Equal(r, rotated, 12);
    }

    [Fact]
    public void Aft_NonUniformRho_RotationChangesR()
    {
        // The converse, so the invariance above is a property of frozen uniform rho and not of a test that cannot fail:
        // with a learned non-uniform rho, rotating phi mixes features of different weights and changes R.
        using var scope = NewDisposeScope();
        var gen = new Generator(12);
        var g = TestTensors.Randn(gen, 32, 8);
        var phi = TestTensors.Randn(gen, 32, 12);
        var s = TestTensors.Randn(gen, 1, 12).flatten() * 3;
        var rotation = TestTensors.Orthogonal(gen, 12);

        var r = AftRegulariser.Loss(g, phi, s).item<double>();
        var rotated = AftRegulariser.Loss(g, phi.mm(rotation), s).item<double>();

        Assert.True(System.Math.Abs(r - rotated) > 1e-3, $"R {r} vs rotated {rotated}");
    }

    [Fact]
    public void Aft_StudentIsOrthogonalTransformOfScaledTeacher_RAtItsFloor()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(13);
        var phi = TestTensors.Randn(gen, 40, 6);
        var s = TestTensors.Randn(gen, 1, 6).flatten() * 2;
        var regulariser = new AftRegulariser(6);
        regulariser.to(ScalarType.Float64);
        using (no_grad()) regulariser.S.copy_(s);
        // g = (phi * rho) Q with Q (6, 10) of orthonormal rows: d_s != d_p, kernels identical.
        var q = TestTensors.Orthogonal(gen, 10)[..6];
        var g = (phi * s.sigmoid()).mm(q) + 5;
        var unrelated = TestTensors.Randn(gen, 40, 10);

        var r = regulariser.Compute(g, phi).item<double>();
        var rUnrelated = regulariser.Compute(unrelated, phi).item<double>();
        var rWrongRho = AftRegulariser.Loss(g, phi, zeros_like(s)).item<double>();

        Assert.InRange(r, 1e-4, 1.0001e-4);                 // sqrt(0 + 1e-8)
        Assert.True(rUnrelated > 0.05, $"unrelated g: R = {rUnrelated}");
        Assert.True(rWrongRho > 10 * r, $"same g with rho = 0.5 instead of the true rho: R = {rWrongRho}");
    }

    [Theory]
    [InlineData("aft")]
    [InlineData("aft-identity")]
    [InlineData("aft-rbf")]
    [InlineData("aft-dense")]
    [InlineData("kernel-kd")]
    public void KernelMethods_BatchOfOne_RIsTenToTheMinusFourWithFiniteGradients(string method)
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(14);
        Regulariser regulariser = method switch
        {
            "aft" => new AftRegulariser(6),
            "aft-identity" => new AftIdentityRegulariser(6),
            "aft-rbf" => new AftRbfRegulariser(6),
            "aft-dense" => new AftDenseRegulariser(6, gen),
            "kernel-kd" => new KernelKdRegulariser(4, gen),
            _ => throw new ArgumentOutOfRangeException(nameof(method)),
        };
        var g = TestTensors.Randn(gen, 1, 4, ScalarType.Float32).requires_grad_(true);
        var phi = TestTensors.Randn(gen, 1, 6, ScalarType.Float32);

        var r = regulariser.Compute(g, phi);
        r.backward();

        Assert.Equal(1e-4, r.item<float>(), 1e-9);
        Assert.True(TestTensors.AllFinite(g.grad!), "dR/dg has NaN or Inf");
        foreach (var p in regulariser.parameters().Where(p => p.requires_grad))
            Assert.True(p.grad is null || TestTensors.AllFinite(p.grad), "a regulariser gradient has NaN or Inf");
    }

    [Fact]
    public void Aft_Float32AndFloat64_Agree()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(15);
        var g = TestTensors.Randn(gen, 64, 16);
        var phi = TestTensors.Randn(gen, 64, 24);
        var s = TestTensors.Randn(gen, 1, 24).flatten();

        var r64 = AftRegulariser.Loss(g, phi, s).item<double>();
        var r32 = AftRegulariser.Loss(g.to(ScalarType.Float32), phi.to(ScalarType.Float32), s.to(ScalarType.Float32)).item<float>();

        Assert.Equal(r64, r32, 1e-5);
    }

    [Fact]
    public void KernelKd_IsTheAftPipelineOnQOfG()
    {
        // kernel-kd and aft share one pipeline: with Q = identity and rho frozen (a uniform scale cancels in the
        // normalisation) the two regularisers are the same function.
        using var scope = NewDisposeScope();
        var gen = new Generator(16);
        var g = TestTensors.Randn(gen, 20, 5);
        var phi = TestTensors.Randn(gen, 20, 7);
        var kernelKd = new KernelKdRegulariser(5, gen);
        kernelKd.to(ScalarType.Float64);
        using (no_grad())
        {
            kernelKd.Map.weight!.copy_(eye(5, dtype: ScalarType.Float64));
            kernelKd.Map.bias!.zero_();
        }
        var identity = new AftIdentityRegulariser(7);
        identity.to(ScalarType.Float64);

        // Equal up to the 1e-8 added to the norms, which the 0.5 scale shifts.
        Assert.Equal(identity.Compute(g, phi).item<double>(), kernelKd.Compute(g, phi).item<double>(), 6);
    }
}
