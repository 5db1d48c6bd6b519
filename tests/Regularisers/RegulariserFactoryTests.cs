using AftSweep.Contracts.Methods;
using AftSweep.Transfer.Numerics;
using AftSweep.Transfer.Regularisers;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Tests.Regularisers;

public sealed class RegulariserFactoryTests
{
    internal static FeatureMatrix Features(int rows, int dim, int seed)
    {
        var random = new Random(seed);
        return new FeatureMatrix(rows, dim, Enumerable.Range(0, rows * dim).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray());
    }

    /// <summary>Shared so ft's paraphraser for these teacher features trains once for the whole class.</summary>
    private static readonly MemoryArtifactCache Artifacts = new();

    internal static RegulariserSetup Setup(MethodId method, int seed = 0, int rows = 40) => new()
    {
        Method = method,
        StudentDim = 6,
        TeacherTrainFeatures = [Features(rows, 5, 1), Features(rows, 3, 2)],
        TeacherKeys = ["teacher-a", "noise:3"],
        TrainLabels = Enumerable.Range(0, rows).Select(i => i % 3).ToArray(),
        NumClasses = 3,
        Device = CPU,
        Seed = seed,
        InitialStudentFeatures = () => Features(rows, 6, 3),
        Artifacts = Artifacts,
    };

    [Theory]
    [InlineData(MethodId.Stl)]
    [InlineData(MethodId.Scratch)]
    [InlineData(MethodId.LinearProbe)]
    public void Create_UnregularisedMethod_ReturnsNull(MethodId method) =>
        Assert.Null(RegulariserFactory.Create(Setup(method)));

    [Theory]
    [InlineData(MethodId.Aft, typeof(AftRegulariser))]
    [InlineData(MethodId.AftIdentity, typeof(AftIdentityRegulariser))]
    [InlineData(MethodId.AftDense, typeof(AftDenseRegulariser))]
    [InlineData(MethodId.AftRbf, typeof(AftRbfRegulariser))]
    [InlineData(MethodId.AftNoKernel, typeof(AftNoKernelRegulariser))]
    [InlineData(MethodId.AftBilevel, typeof(AftBilevelRegulariser))]
    [InlineData(MethodId.Kd, typeof(KdRegulariser))]
    [InlineData(MethodId.KernelKd, typeof(KernelKdRegulariser))]
    [InlineData(MethodId.Rkd, typeof(RkdRegulariser))]
    [InlineData(MethodId.Ft, typeof(FtRegulariser))]
    [InlineData(MethodId.BTuning, typeof(BTuningRegulariser))]
    public void Create_RegularisedMethod_BuildsItsRegulariserThatRunsOnAFloat32Batch(MethodId method, Type expected)
    {
        using var scope = NewDisposeScope();
        var regulariser = RegulariserFactory.Create(Setup(method))!;
        Assert.IsType(expected, regulariser);
        var gen = new Generator(5);
        var g = randn(16, 6, generator: gen).requires_grad_(true);
        var phi = randn(16, 8, generator: gen);

        var r = regulariser.Compute(g, phi);
        r.backward();

        Assert.Equal(ScalarType.Float32, r.dtype);
        Assert.True(r.item<float>() >= 0 && float.IsFinite(r.item<float>()));
        if (regulariser is FtRegulariser ft)
            // T's last weight starts at zero, so R depends on g only once that weight moves; it must get a gradient.
            Assert.Contains(ft.Translator.parameters(), p => p.grad is not null && p.grad.abs().sum().item<float>() > 0);
        else
            Assert.True(g.grad!.abs().sum().item<float>() > 0, "R does not depend on g");
    }

    [Fact]
    public void Create_Aft_RhoStartsAtOneHalfOverTheConcatenation()
    {
        var rho = RegulariserFactory.Create(Setup(MethodId.Aft))!.LearnedRho()!;
        Assert.Equal(8, rho.Length);
        Assert.All(rho, r => Assert.Equal(0.5f, r));
        var summary = RhoSummary.ByTeacher(rho, Setup(MethodId.Aft));
        Assert.Equal([("teacher-a", 5, 2.5), ("noise:3", 3, 1.5)], summary.Select(t => (t.Teacher, t.Width, t.Sum)));
    }

    [Theory]
    [InlineData(MethodId.Kd)]
    [InlineData(MethodId.AftDense)]
    [InlineData(MethodId.Ft)]
    public void Create_SameSeed_SameInit_OtherSeed_OtherInit(MethodId method)
    {
        float[] Init(int seed) => RegulariserFactory.Create(Setup(method, seed))!.parameters()
            .Where(p => p.requires_grad).SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();
        var first = Init(7);
        Assert.Equal(first, Init(7));
        Assert.NotEqual(first, Init(8));
    }

    [Fact]
    public void Create_TeacherRowsDisagreeWithLabels_NamesTheTeacher()
    {
        var setup = Setup(MethodId.Aft);
        var bad = new RegulariserSetup
        {
            Method = setup.Method, StudentDim = setup.StudentDim, TeacherKeys = setup.TeacherKeys, NumClasses = 3,
            TeacherTrainFeatures = [setup.TeacherTrainFeatures[0], Features(39, 3, 2)],
            TrainLabels = setup.TrainLabels, Device = CPU, Seed = 0,
        };
        var error = Assert.Throws<ArgumentException>(() => RegulariserFactory.Create(bad));
        Assert.Contains("noise:3", error.Message);
        Assert.Contains("39", error.Message);
    }

    [Fact]
    public void Create_BTuningWithoutInitialStudentFeatures_SaysWhatIsMissing()
    {
        var setup = Setup(MethodId.BTuning);
        var bad = new RegulariserSetup
        {
            Method = setup.Method, StudentDim = setup.StudentDim, TeacherKeys = setup.TeacherKeys, NumClasses = 3,
            TeacherTrainFeatures = setup.TeacherTrainFeatures, TrainLabels = setup.TrainLabels, Device = CPU, Seed = 0,
        };
        var error = Assert.Throws<ArgumentException>(() => RegulariserFactory.Create(bad));
        Assert.Contains("InitialStudentFeatures", error.Message);
    }

    [Fact]
    public void AftBilevel_FiveInnerSteps_OneJointStepInEverySix()
    {
        var bilevel = (AftBilevelRegulariser)RegulariserFactory.Create(Setup(MethodId.AftBilevel))!;
        var pattern = Enumerable.Range(0, 12).Select(bilevel.IsInnerStep).ToArray();
        Assert.Equal([true, true, true, true, true, false, true, true, true, true, true, false], pattern);
        Assert.False(new AftRegulariser(3).IsInnerStep(0));
    }

    [Fact]
    public void RhoSummary_WidthsDoNotCoverRho_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => RhoSummary.ByTeacher(new float[7], [5, 3], ["a", "b"]));
        Assert.Contains("7", error.Message);
    }
}
