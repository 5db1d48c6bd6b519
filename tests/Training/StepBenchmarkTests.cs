using AftSweep.Client.Commands.Bench.Step;


namespace AftSweep.Tests.Training;

public sealed class StepBenchmarkTests
{
    private static StepBenchmarkOptions Options(params string[] methods) => new()
    {
        Downstream = new AftSweep.Contracts.Grid.DownstreamSpec { Model = "mlp" }, Methods = methods, BatchSize = 16, Steps = 3, WarmupSteps = 1, TeacherDim = 8, VectorDim = 12, Device = "cpu",
    };

    [Fact]
    public void Run_StlOnMlp_MeasuresStepsWithRatioOne()
    {
        var timing = Assert.Single(StepBenchmark.Run(Options("stl")));
        Assert.Equal("stl", timing.Method);
        Assert.Null(timing.Error);
        Assert.Equal(3, timing.Steps);
        Assert.True(timing.StepsPerSecond > 0);
        Assert.Equal(1.0, timing.RatioToStl);
    }

    [Fact]
    public void Run_WithoutStl_MeasuresStlFirstAsTheBaseline()
    {
        var timings = StepBenchmark.Run(Options("kd"));
        Assert.Equal(new[] { "stl", "kd" }, timings.Select(t => t.Method));
        // kd either runs (ratio against stl) or reports why it cannot; never a silent zero.
        Assert.True(timings[1].Error is not null || timings[1].RatioToStl > 0);
    }

    [Fact]
    public void Run_UnknownMethod_NamesIt()
    {
        var e = Assert.Throws<ArgumentException>(() => StepBenchmark.Run(Options("stl", "aftt")));
        Assert.Contains("'aftt'", e.Message);
    }

    [Fact]
    public void Run_LinearProbe_IsRejectedWithReason()
    {
        var e = Assert.Throws<ArgumentException>(() => StepBenchmark.Run(Options("linear-probe")));
        Assert.Contains("linear-probe", e.Message);
    }
}
