using AftSweep.Contracts.Trials;
using AftSweep.Transfer.Models;
using AftSweep.Transfer.Models.Architectures;
using AftSweep.Transfer.Torch;
using AftSweep.Transfer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Tests.Training;

public sealed class TrainerTests
{
    private const int Dim = 8;
    private const int Classes = 3;

    private static TrainingSet Set(Transfer.Data.LabeledSplit split, bool withTeacher = false) =>
        new((split.Texts is null ? (StudentInput)VectorStudentInput.Instance : new TextStudentInput(Transfer.Text.WordPieceTokenizer.MiniLm, 128)).Load(split, CPU), InputTensors.Labels(split.Labels, CPU),
            withTeacher ? VectorInputs.From(Synthetic.TeacherFeatures(split.Labels, 5, informative: true, seed: 9), CPU) : null);

    private static MlpModel Mlp(int seed) => SeededConstruction.Build(seed, () => new MlpModel(Dim, Classes));

    private static TrainingSettings Settings(int seed, int steps = 40, double lr = 3e-3) =>
        new() { Steps = steps, BatchSize = 32, Lr = lr, Seed = seed, Label = "trial t" };

    [Fact]
    public void Train_StlOnMlp_LearnsBlobsWellAboveChance()
    {
        using var train = Set(Synthetic.Blobs(300, Dim, Classes, 2.5, seed: 1));
        using var test = Set(Synthetic.Blobs(150, Dim, Classes, 2.5, seed: 2));
        using var model = Mlp(0);
        var outcome = Trainer.Train(model, null, train, Settings(0, steps: 60));
        var accuracy = Evaluator.Accuracy(model, test.Inputs, test.Labels, 64);
        Assert.True(accuracy > 0.85, $"accuracy {accuracy} (chance 0.33)");
        Assert.Equal(60, outcome.Steps);
        Assert.Equal(6, outcome.Epochs);
        Assert.Equal(6, outcome.Curve.Count);
        Assert.True(outcome.Curve[^1].CrossEntropy < outcome.Curve[0].CrossEntropy);
        Assert.Equal(0, outcome.FinalRegulariser);
    }

    [Fact]
    public void Train_TextTransformer_LearnsSentimentWords()
    {
        var texts = Enumerable.Range(0, 48).Select(i => i % 2 == 0 ? $"a great film number {i}" : $"an awful film number {i}").ToArray();
        var split = new Transfer.Data.LabeledSplit { Labels = Enumerable.Range(0, 48).Select(i => i % 2).ToArray(), Texts = texts };
        using var data = Set(split);
        using var model = StudentFactory.Create(
            new Contracts.Grid.DownstreamSpec { Model = "text-transformer" }, InputShape.Of(split), 2, CPU, seed: 0).Model;
        Trainer.Train(model, null, data, new TrainingSettings { Steps = 30, BatchSize = 16, Lr = 1e-3, Seed = 0 });
        var accuracy = Evaluator.Accuracy(model, data.Inputs, data.Labels, 16);
        Assert.True(accuracy > 0.9, $"train accuracy {accuracy}");
    }

    [Fact]
    public void Train_SameSeedTwice_IdenticalCurveAndAccuracy()
    {
        (IReadOnlyList<EpochPoint> Curve, double Accuracy) Run(int seed)
        {
            using var train = Set(Synthetic.Blobs(200, Dim, Classes, 1.0, seed: 1));
            using var model = Mlp(seed);
            var outcome = Trainer.Train(model, null, train, Settings(seed, steps: 21));
            return (outcome.Curve, Evaluator.Accuracy(model, train.Inputs, train.Labels, 64));
        }
        var a = Run(5);
        var b = Run(5);
        var c = Run(6);
        Assert.Equal(a.Curve, b.Curve);
        Assert.Equal(a.Accuracy, b.Accuracy);
        Assert.NotEqual(a.Curve, c.Curve);
    }

    [Fact]
    public void Train_SameSeedAnyMethodOrSettings_SameDataOrder()
    {
        // Paired comparisons need every method of a seed to see the rows in the same order: the epoch shuffle must
        // depend on the seed (and the row count) only, not on the regulariser, lambda, learning rates or the model.
        IReadOnlyList<long> Order(int seed, bool regularised, double lr, double lambda)
        {
            var blobs = Synthetic.Blobs(100, Dim, Classes, 1.0, seed: 1);
            for (var r = 0; r < blobs.Rows; r++) blobs.Vectors!.Values[r * Dim] = r; // column 0 = the row's index
            using var train = Set(blobs, withTeacher: regularised);
            using var model = new RowRecordingModel(Dim, Classes, seed);
            using var prior = regularised ? new KdLikeTestRegulariser(model.FeatureDim, 5) : null;
            Trainer.Train(model, prior, train, Settings(seed, steps: 12, lr: lr) with { Lambda = lambda });
            return model.Rows;
        }

        var stl = Order(3, regularised: false, lr: 1e-3, lambda: 0);
        Assert.Equal(3 * 100, stl.Count); // 100 rows in batches of 32: 4 batches per epoch, so 12 steps = 3 epochs
        Assert.Equal(stl, Order(3, regularised: true, lr: 1e-2, lambda: 10));
        Assert.Equal(stl, Order(3, regularised: true, lr: 1e-4, lambda: 0.1));
        Assert.NotEqual(stl, Order(4, regularised: false, lr: 1e-3, lambda: 0));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), stl.Take(100).Order());
    }

    /// <summary>A linear model that records, batch by batch, the row index stored in column 0 of its input.</summary>
    private sealed class RowRecordingModel : DownstreamModel
    {
        private readonly TorchSharp.Modules.Linear _head;
        private readonly List<long> _rows = [];

        public RowRecordingModel(int dim, int classes, int seed) : base("row-recorder")
        {
            FeatureDim = dim;
            _head = SeededConstruction.Build(seed, () => nn.Linear(dim, classes));
            RegisterComponents();
        }

        public IReadOnlyList<long> Rows => _rows;
        public override int FeatureDim { get; }
        public override string HeadName => "_head";

        public override Tensor Features(Tensor x)
        {
            _rows.AddRange(x.select(1, 0).to(ScalarType.Int64).data<long>().ToArray());
            return x * 0.01;
        }

        public override Tensor Head(Tensor features) => _head.forward(features);
    }

    [Fact]
    public void Train_AbsurdLearningRate_DivergedAtStepN()
    {
        using var train = Set(Synthetic.Blobs(128, Dim, Classes, 1.0, seed: 1));
        using var model = Mlp(0);
        // Adam moves each weight by about lr per step, so lr 1e6 only grows weights linearly and CE stays finite;
        // 1e30 overflows float32 in the next forward pass.
        var e = Assert.Throws<TrialFailedException>(() => Trainer.Train(model, null, train, Settings(0, steps: 40, lr: 1e30)));
        Assert.Matches(@"^trial t: diverged at step \d+ \(loss=(NaN|∞|-∞|Infinity|-Infinity)", e.Message);
        Assert.False(e.Retryable);
    }

    [Fact]
    public void Train_Regularised_ReportsRAndMovesPrior()
    {
        using var train = Set(Synthetic.Blobs(128, Dim, Classes, 1.0, seed: 1), withTeacher: true);
        using var model = Mlp(0);
        using var prior = new KdLikeTestRegulariser(model.FeatureDim, 5);
        using var before = prior.Projection.weight!.detach().clone();
        var settings = Settings(0, steps: 8) with { Lambda = 0.5, PriorLr = 1e-2 };
        var outcome = Trainer.Train(model, prior, train, settings);
        Assert.True(outcome.FinalRegulariser > 0);
        Assert.All(outcome.Curve, p => Assert.Equal(p.CrossEntropy + 0.5 * p.Regulariser, p.Loss, 4));
        Assert.False(prior.Projection.weight!.allclose(before, rtol: 0, atol: 0), "the prior's parameters must be trained");
    }

    [Fact]
    public void TrainingStep_InnerStep_OnlyPriorMoves_JointStep_BothMove()
    {
        using var data = Set(Synthetic.Blobs(64, Dim, Classes, 1.0, seed: 1), withTeacher: true);
        using var model = Mlp(0);
        using var prior = new KdLikeTestRegulariser(model.FeatureDim, 5, inner: s => s % 2 == 0);
        using var step = new TrainingStep(model, prior, Settings(0) with { Lambda = 1, PriorLr = 1e-2 });
        using var index = arange(32, dtype: ScalarType.Int64);

        (Tensor Model, Tensor Prior) Snapshot() =>
            (model.parameters().First().detach().clone(), prior.Projection.weight!.detach().clone());

        void Run(int s)
        {
            using var scope = NewDisposeScope();
            step.Run(s, data.Inputs.Gather(index), data.Labels.index_select(0, index), data.Teacher!.Gather(index));
        }

        // Joint step first, so the model has Adam state that would move it again if it were stepped.
        Run(1);
        var (m0, p0) = Snapshot();
        Run(2); // inner
        var (m1, p1) = Snapshot();
        Assert.True(m1.allclose(m0, rtol: 0, atol: 0), "an inner step must leave the model untouched");
        Assert.False(p1.allclose(p0, rtol: 0, atol: 0), "an inner step must update the prior");
        Run(3); // joint
        var (m2, p2) = Snapshot();
        Assert.False(m2.allclose(m1, rtol: 0, atol: 0), "a joint step updates the model");
        Assert.False(p2.allclose(p1, rtol: 0, atol: 0), "a joint step updates the prior");
    }

    [Fact]
    public void Train_Cancelled_StopsBetweenSteps()
    {
        using var train = Set(Synthetic.Blobs(64, Dim, Classes, 1.0, seed: 1));
        using var model = Mlp(0);
        using var cts = new CancellationTokenSource();
        var reports = new List<TrialProgress>();
        var progress = new SyncProgress(p => { reports.Add(p); if (p.Step >= 4) cts.Cancel(); });
        Assert.Throws<OperationCanceledException>(() =>
            Trainer.Train(model, null, train, Settings(0, steps: 100) with { ProgressEvery = 2 }, progress, cts.Token));
        Assert.Equal(new[] { 2, 4 }, reports.Select(r => r.Step));
        Assert.All(reports, r => Assert.Equal(100, r.TotalSteps));
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; this reports inline so the test is deterministic.</summary>
    private sealed class SyncProgress(Action<TrialProgress> report) : IProgress<TrialProgress>
    {
        public void Report(TrialProgress value) => report(value);
    }
}
