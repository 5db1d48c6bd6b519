using AftSweep.Client.Commands.Bench.Step;


namespace AftSweep.Tests.Training;

public sealed class ModelFlopsTests
{
    [Fact]
    public void ModelTrainingFlopsPerStep_Mlp_IsThreeForwardPassesOfItsLinearLayers()
    {
        var options = new StepBenchmarkOptions { Downstream = new AftSweep.Contracts.Grid.DownstreamSpec { Model = "mlp" }, Methods = ["stl"], BatchSize = 4, VectorDim = 12, NumClasses = 10, Device = "cpu" };
        const int hidden = AftSweep.Transfer.Models.MlpModel.Hidden;
        double forward = 2.0 * (12 * hidden + hidden * hidden + hidden * 10);
        Assert.Equal(3 * 4 * forward, StepBenchmark.ModelTrainingFlopsPerStep(options));
    }

    [Fact]
    public void ModelTrainingFlopsPerStep_CnnSmall_CountsEachConvolutionAtItsOwnResolution()
    {
        var options = new StepBenchmarkOptions { Downstream = new AftSweep.Contracts.Grid.DownstreamSpec { Model = "cnn-small" }, Methods = ["stl"], BatchSize = 2, ImageSize = 32, NumClasses = 10, Device = "cpu" };
        // 3x3 convolutions 3->32 at 32x32, 32->64 at 16x16, 64->128 at 8x8 (max-pool between), then the 128->10 head.
        double forward = 2.0 * (32 * 32 * 32 * 3 * 9 + 64 * 16 * 16 * 32 * 9 + 128 * 8 * 8 * 64 * 9 + 10 * 128);
        Assert.Equal(3 * 2 * forward, StepBenchmark.ModelTrainingFlopsPerStep(options));
    }

    [Fact]
    public void MatmulPeak_Cpu_MeasuresAPositiveRate()
    {
        var rate = MatmulPeak.Measure(TorchSharp.torch.CPU, size: 128, seconds: 0.05);
        Assert.True(rate.PerSecond > 1e6, $"measured {rate.PerSecond} FLOP/s");
        Assert.True(rate.PerCpuSecond > 1e6, $"measured {rate.PerCpuSecond} FLOP per CPU-second");
    }
}
