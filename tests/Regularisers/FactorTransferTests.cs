using AftSweep.Transfer.Numerics;
using AftSweep.Transfer.Regularisers;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Tests.Regularisers;

public sealed class FactorTransferTests
{
    /// <summary>Rank-2 teacher features in 8 dimensions: an autoencoder with a 4-wide factor can learn them.</summary>
    private static FeatureMatrix LowRank(int rows, int seed)
    {
        var gen = new Generator((ulong)seed);
        using var latent = randn(rows, 2, generator: gen);
        using var mix = randn(2, 8, generator: gen);
        using var features = latent.mm(mix);
        return new FeatureMatrix(rows, 8, features.data<float>().ToArray());
    }

    private static FeatureMatrix Noise(int rows, int seed)
    {
        using var noise = randn(rows, 8, generator: new Generator((ulong)seed));
        return new FeatureMatrix(rows, 8, noise.data<float>().ToArray());
    }

    [Fact]
    public void Paraphraser_Trained_ReconstructsHeldOutRowsBetterThanAtInit_AndRestoresTheBestEpoch()
    {
        using var scope = NewDisposeScope();
        var features = LowRank(300, 1);
        using var all = tensor(features.Data, [300, 8]);
        var untrained = new Paraphraser(8, new Generator(ParaphraserTrainer.Seed));
        var initialMse = ParaphraserTrainer.Evaluate(untrained, all);

        var fit = ParaphraserTrainer.Train(features, CPU, maxEpochs: 40);   // 40 Adam steps at lr 3e-4: a start, kept short

        Assert.True(fit.HeldOutMse < 0.8 * initialMse, $"held-out MSE {fit.HeldOutMse} vs {initialMse} at init");
        Assert.InRange(fit.BestEpoch, 1, fit.Epochs);
        Assert.True(fit.Epochs == 40 || fit.Epochs - fit.BestEpoch == ParaphraserTrainer.Patience,
            $"stopped after {fit.Epochs} epochs, best {fit.BestEpoch}");
    }

    [Fact]
    public void Paraphraser_FewNoisyRows_StopsEarlyTenEpochsAfterTheBest()
    {
        // 20 rows of pure noise: the 2 held-out rows are unpredictable from the other 18, their MSE stops improving
        // almost at once, and the patience rule ends training long before 500 epochs.
        var fit = ParaphraserTrainer.Train(Noise(20, 1), CPU, ParaphraserTrainer.MaxEpochs);

        Assert.True(fit.Epochs < ParaphraserTrainer.MaxEpochs, $"ran all {fit.Epochs} epochs (best {fit.BestEpoch}, MSE {fit.HeldOutMse})");
        Assert.Equal(ParaphraserTrainer.Patience, fit.Epochs - fit.BestEpoch);
    }

    [Fact]
    public void GetOrTrain_SecondCall_LoadsTheCachedParaphraser()
    {
        using var scope = NewDisposeScope();
        var teachers = new[] { Noise(20, 1) };
        var cache = new MemoryArtifactCache();
        var first = ParaphraserTrainer.GetOrTrain(teachers, CPU, cache);
        var second = ParaphraserTrainer.GetOrTrain(teachers, CPU, cache);
        using var probe = randn(5, 8, generator: new Generator(3));

        Assert.Equal(1, cache.Puts);
        Assert.Equal(first.Encoder.forward(probe).data<float>().ToArray(), second.Encoder.forward(probe).data<float>().ToArray());
        Assert.NotEqual(ParaphraserTrainer.CacheKey(teachers), ParaphraserTrainer.CacheKey([Noise(20, 2)]));
    }

    [Fact]
    public void GetOrTrain_CorruptCacheEntry_NamesTheKey()
    {
        var teachers = new[] { Noise(20, 3) };
        var cache = new MemoryArtifactCache();
        cache.Put(ParaphraserTrainer.CacheKey(teachers), [1, 2, 3]);

        var error = Assert.Throws<InvalidDataException>(() => ParaphraserTrainer.GetOrTrain(teachers, CPU, cache));
        Assert.Contains(ParaphraserTrainer.CacheKey(teachers), error.Message);
    }

    [Fact]
    public void Ft_AtInit_TranslatorIsConstantAndEncoderGetsNoGradient()
    {
        using var scope = NewDisposeScope();
        var paraphraser = new Paraphraser(8, new Generator(4));
        var ft = new FtRegulariser(6, paraphraser, new Generator(5));
        var g = randn(10, 6, generator: new Generator(6)).requires_grad_(true);
        var translated = ft.Translator.forward(g);

        // The last weight is zero, so every row of T(g) is the last layer's bias.
        Assert.Equal(0.0f, (translated - translated[0]).abs().max().item<float>());
        ft.Compute(g, randn(10, 8, generator: new Generator(7))).backward();
        Assert.All(paraphraser.Encoder.parameters(), p => Assert.Null(p.grad));
        Assert.All(ft.Translator.parameters(), p => Assert.NotNull(p.grad));
        // Only the last layer's weight and bias move at first (the zero weight blocks the path to earlier layers).
        Assert.Equal(2, ft.Translator.parameters().Count(p => p.grad!.abs().sum().item<float>() > 0));
    }
}
