using AftSweep.Transfer.Models;
using AftSweep.Transfer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Tests.Training;

public sealed class ScheduleTests
{
    [Theory]
    [InlineData(1000, 128, 5000, 8, 625)]   // 625 exactly
    [InlineData(1000, 128, 12, 8, 2)]       // 1.5 rounds half up
    [InlineData(1000, 128, 11, 8, 1)]       // 1.375 rounds down
    [InlineData(1000, 128, 20, 8, 3)]       // 2.5 rounds half up (not to even)
    [InlineData(1000, 128, 3, 8, 1)]        // 0.375 would be 0 epochs: at least 1
    [InlineData(45000, 128, 5000, 352, 14)] // CIFAR-10 selection stage: 14.2
    public void EpochPlan_Steps_RoundHalfUpEpochs(int rows, int batch, int steps, int batches, int epochs)
    {
        var plan = EpochPlan.Create(rows, batch, steps);
        Assert.Equal(batches, plan.BatchesPerEpoch);
        Assert.Equal(epochs, plan.Epochs);
        Assert.Equal(epochs * batches, plan.TotalSteps);
    }

    [Fact]
    public void EpochPlan_LastBatch_HoldsTheRemainder()
    {
        var plan = EpochPlan.Create(1000, 128, 8);
        Assert.Equal(128, plan.BatchRows(0));
        Assert.Equal(1000 - 7 * 128, plan.BatchRows(7));
    }

    [Theory]
    [InlineData(0, 4, 1.0)]
    [InlineData(1, 4, 0.8535533905932737)]
    [InlineData(2, 4, 0.5)]
    [InlineData(3, 4, 0.14644660940672627)]
    [InlineData(4, 4, 0.0)]
    public void CosineSchedule_Epoch_MatchesCosineAnnealingToZero(int epoch, int epochs, double fraction)
    {
        Assert.Equal(fraction * 0.01, CosineSchedule.LearningRate(0.01, epoch, epochs), 15);
    }

    [Fact]
    public void TrainingStep_BeginEpoch_AnnealsBothGroups()
    {
        using var model = new MlpModel(4, 3);
        using var prior = new KdLikeTestRegulariser(256, 5);
        var settings = new TrainingSettings { Steps = 1, BatchSize = 2, Lr = 1e-3, PriorLr = 1e-2, Seed = 0 };
        using var step = new TrainingStep(model, prior, settings);
        Assert.Equal(new[] { 1e-3, 1e-2 }, step.LearningRates);
        step.BeginEpoch(2, 4);
        Assert.Equal(0.5e-3, step.LearningRates[0], 15);
        Assert.Equal(0.5e-2, step.LearningRates[1], 15);
    }

    [Fact]
    public void TrainingStep_Unregularised_HasOnlyTheModelGroup()
    {
        using var model = new MlpModel(4, 3);
        using var step = new TrainingStep(model, null, new TrainingSettings { Steps = 1, BatchSize = 2, Lr = 1e-3, Seed = 0 });
        Assert.Single(step.LearningRates);
    }
}
