using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using AftSweep.Transfer.Artifacts;
using AftSweep.Transfer.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Regularisers;

/// <summary>
/// Trains ft's paraphraser once per teacher set (methods.md, "Factor transfer"): MSE reconstruction, Adam lr 3e-4,
/// batches of 1024 in dataset order, at most 500 epochs, early stop after 10 epochs without a better held-out MSE,
/// best weights restored. The init and the held-out rows use a fixed seed rather than the trial's, because the result
/// is cached by content and shared by every trial on the same teacher features.
/// </summary>
public static class ParaphraserTrainer
{
    public const double LearningRate = 3e-4;
    public const int BatchSize = 1024;
    public const int MaxEpochs = 500;
    public const int Patience = 10;
    public const double HoldoutFraction = 0.1;
    public const int Seed = 42;

    /// <summary>Loads the paraphraser for these teacher features from the cache, or trains and caches it.</summary>
    public static Paraphraser GetOrTrain(IReadOnlyList<FeatureMatrix> teachers, Device device, IArtifactCache? cache)
    {
        var features = teachers.Count == 1 ? teachers[0] : FeatureMatrix.Concat(teachers);
        var key = CacheKey(teachers);
        var cached = cache?.TryGet(key);
        if (cached is not null)
        {
            using var generator = new Generator(Seed);
            var loaded = new Paraphraser(features.Dim, generator);
            using var stream = new MemoryStream(cached, writable: false);
            try
            {
                loaded.load(stream);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidDataException($"ft: cached paraphraser '{key}' ({cached.Length} bytes) does not load as {Paraphraser.Architecture(features.Dim)}: {e.Message}", e);
            }
            return loaded.to(device);
        }
        var fit = Train(features, device, MaxEpochs);
        if (cache is not null)
        {
            using var stream = new MemoryStream();
            fit.Paraphraser.cpu().save(stream);
            fit.Paraphraser.to(device);
            cache.Put(key, stream.ToArray());
        }
        return fit.Paraphraser;
    }

    /// <summary>Content key: the architecture, the training recipe and every teacher's feature bytes.</summary>
    public static string CacheKey(IReadOnlyList<FeatureMatrix> teachers)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var dim = teachers.Sum(t => t.Dim);
        hash.AppendData(Encoding.UTF8.GetBytes(
            $"{Paraphraser.Architecture(dim)};adam lr={LearningRate};batch={BatchSize};epochs<={MaxEpochs};patience={Patience};holdout={HoldoutFraction};seed={Seed}"));
        foreach (var t in teachers)
        {
            hash.AppendData(BitConverter.GetBytes(t.Rows));
            hash.AppendData(BitConverter.GetBytes(t.Dim));
            hash.AppendData(MemoryMarshal.AsBytes(t.Data.AsSpan()));
        }
        return "ft-paraphraser/" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    public static ParaphraserFit Train(FeatureMatrix features, Device device, int maxEpochs)
    {
        if (features.Rows < 2) throw new ArgumentException($"ft: the paraphraser needs at least 2 teacher rows to hold some out, got {features.Rows}");
        using var generator = new Generator(Seed);
        var model = new Paraphraser(features.Dim, generator);
        model.to(device);

        using var all = tensor(features.Data, [features.Rows, features.Dim]).to(device);
        using var order = randperm(features.Rows, generator: generator);
        var holdoutRows = System.Math.Max(1, (int)System.Math.Round(features.Rows * HoldoutFraction));
        using var holdoutIndex = order[..holdoutRows].sort().Values.to(device);
        using var trainIndex = order[holdoutRows..].sort().Values.to(device);     // dataset order: batches "in order"
        using var heldOut = all.index_select(0, holdoutIndex);
        using var train = all.index_select(0, trainIndex);

        using var optimizer = optim.Adam(model.parameters(), lr: LearningRate);
        var best = double.PositiveInfinity;
        var bestEpoch = -1;
        var bestWeights = Snapshot(model);
        var epochs = 0;
        for (var epoch = 0; epoch < maxEpochs && epoch - bestEpoch <= Patience; epoch++)
        {
            model.train();
            for (long start = 0; start < train.shape[0]; start += BatchSize)
            {
                using var scope = NewDisposeScope();
                var batch = train.narrow(0, start, System.Math.Min(BatchSize, train.shape[0] - start));
                optimizer.zero_grad();
                var loss = nn.functional.mse_loss(model.forward(batch), batch);
                loss.backward();
                optimizer.step();
            }
            epochs = epoch + 1;
            var heldOutMse = Evaluate(model, heldOut);
            if (heldOutMse < best)
            {
                best = heldOutMse;
                bestEpoch = epoch;
                foreach (var w in bestWeights.Values) w.Dispose();
                bestWeights = Snapshot(model);
            }
        }
        Restore(model, bestWeights);
        foreach (var w in bestWeights.Values) w.Dispose();
        model.eval();
        return new ParaphraserFit(model, epochs, bestEpoch + 1, best);
    }

    public static double Evaluate(Paraphraser model, Tensor heldOut)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        model.eval();
        return nn.functional.mse_loss(model.forward(heldOut), heldOut).item<float>();
    }

    private static Dictionary<string, Tensor> Snapshot(Paraphraser model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

    private static void Restore(Paraphraser model, Dictionary<string, Tensor> weights)
    {
        using var _ = no_grad();
        foreach (var (name, parameter) in model.named_parameters()) parameter.copy_(weights[name]);
    }
}

/// <param name="Epochs">Epochs run before the early stop.</param>
/// <param name="BestEpoch">1-based epoch whose weights were restored.</param>
/// <param name="HeldOutMse">Reconstruction MSE of the restored weights on the held-out rows.</param>
public sealed record ParaphraserFit(Paraphraser Paraphraser, int Epochs, int BestEpoch, double HeldOutMse);
