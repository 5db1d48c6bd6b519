using System.Diagnostics;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Methods;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Models;
using AftSweep.Transfer.Models.Architectures;
using AftSweep.Transfer.Numerics;
using AftSweep.Transfer.Regularisers;
using AftSweep.Transfer.Torch;
using AftSweep.Transfer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Client.Commands.Bench.Step;

/// <summary>What <c>bench step</c> measures: one model, one batch size, several methods.</summary>
public sealed record StepBenchmarkOptions
{
    /// <summary>The student as a grid's <c>downstream</c> block names it (architecture, checkpoint, layers, ...).</summary>
    public required DownstreamSpec Downstream { get; init; }
    public required IReadOnlyList<string> Methods { get; init; }
    public int BatchSize { get; init; } = 128;
    public int Steps { get; init; } = 20;
    public int WarmupSteps { get; init; } = 3;
    public int TeacherDim { get; init; } = 512;
    public int NumClasses { get; init; } = 10;
    /// <summary>Image models: square images of this side (3 channels).</summary>
    public int ImageSize { get; init; } = 32;
    /// <summary>mlp: input vector width.</summary>
    public int VectorDim { get; init; } = 512;
    /// <summary>Text students: tokens per row, [CLS] and [SEP] included.</summary>
    public int SequenceLength { get; init; } = 64;
    public double Lambda { get; init; } = 1;
    public string Device { get; init; } = "auto";
}

/// <summary>
/// One method's timing; <see cref="Error"/> set when it could not run (e.g. regulariser not available).
/// <see cref="CpuSeconds"/> is the process's CPU time over the timed steps: on a shared machine wall time
/// depends on the neighbours, CPU time much less.
/// </summary>
public sealed record StepTiming(string Method, int Steps, double Seconds, double CpuSeconds, double? RatioToStl, string? Error)
{
    public double StepsPerSecond => Seconds > 0 ? Steps / Seconds : 0;
    public double MillisecondsPerStep => Steps > 0 ? Seconds * 1000 / Steps : 0;
    public double CpuMillisecondsPerStep => Steps > 0 ? CpuSeconds * 1000 / Steps : 0;
}

/// <summary>
/// Times training steps (<see cref="TrainingStep"/>, exactly what trials run) of several methods on the same model,
/// batch and synthetic data: inputs of the model's shape, random labels, random teacher features. Each method gets a
/// freshly initialised model (same seed) and warm-up steps before timing; the timed steps run in interleaved rounds.
/// stl is always measured: it is the baseline of every ratio (method step time / stl step time).
/// </summary>
public static class StepBenchmark
{
    private const int Seed = 0;
    private const string TeacherKey = "synthetic";
    private const int TimingRounds = 5;

    public static IReadOnlyList<StepTiming> Run(StepBenchmarkOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var architecture = DownstreamModels.Find(options.Downstream.Model)
                           ?? throw new ArgumentException($"--model '{options.Downstream.Model}' is not one of {string.Join(", ", DownstreamModels.Names)}");
        if (options.BatchSize < 2) throw new ArgumentException($"--batch must be at least 2, got {options.BatchSize}");
        if (options.Steps < 1) throw new ArgumentException($"--steps must be at least 1, got {options.Steps}");
        var methods = options.Methods.Select(m => MethodCatalog.TryGet(m, out var info)
            ? info : throw new ArgumentException($"--methods: unknown method '{m}' (known: {string.Join(", ", MethodCatalog.Names)})")).ToList();
        if (methods.Any(m => m.Id == MethodId.LinearProbe))
            throw new ArgumentException("--methods: linear-probe trains a linear layer on teacher features, not the downstream model; it has no step to compare");
        if (methods.All(m => m.Id != MethodId.Stl)) methods.Insert(0, MethodCatalog.Get(MethodId.Stl));

        var device = DeviceSelector.Resolve(options.Device);
        var rows = options.BatchSize * 4;
        var split = SyntheticSplit(options, architecture, rows);
        var shape = InputShape.Of(split);
        using var data = new TrainingSet(LoadAsTrialsDo(options, shape, split, device), SyntheticLabels(rows, options.NumClasses, device), SyntheticTeacher(rows, options.TeacherDim, device, out var teacherMatrix));

        // Methods take turns in rounds rather than one after another, so a drift in the machine's speed (a shared
        // VM's neighbours, frequency changes) lands on every method alike instead of biasing the ratios to stl.
        var runs = new List<MethodRun>();
        try
        {
            foreach (var method in methods) runs.Add(MethodRun.Prepare(options, method, shape, split, data, teacherMatrix, device));
            foreach (var run in runs) run.WarmUp(options.WarmupSteps, device);
            var rounds = Math.Min(options.Steps, TimingRounds);
            for (var r = 0; r < rounds; r++)
            {
                var steps = options.Steps / rounds + (r < options.Steps % rounds ? 1 : 0);
                foreach (var run in runs)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    run.Time(steps, device);
                }
            }
        }
        finally
        {
            foreach (var run in runs) run.Dispose();
        }
        var timings = runs.Select(r => r.Timing).ToList();
        var stl = timings.First(t => t.Method == MethodCatalog.Get(MethodId.Stl).Name);
        return timings.Select(t => t.Error is null && stl.Error is null
            ? t with { RatioToStl = t.MillisecondsPerStep / stl.MillisecondsPerStep } : t).ToList();
    }

    /// <summary>
    /// Floating-point operations of one training step of the bare model (<see cref="ModelFlops"/>: three forward
    /// passes' worth, Conv2d and Linear layers only) on this benchmark's inputs; regularisers excluded.
    /// </summary>
    public static double ModelTrainingFlopsPerStep(StepBenchmarkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var device = DeviceSelector.Resolve(options.Device);
        var split = SyntheticSplit(options, DownstreamModels.Get(options.Downstream.Model), options.BatchSize);
        using var student = StudentFactory.Create(options.Downstream, InputShape.Of(split), options.NumClasses, device, Seed);
        using var inputs = student.Load([split], device).Single();
        var model = student.Model;
        model.train();
        using var scope = NewDisposeScope();
        var batch = inputs.Gather(arange(options.BatchSize, dtype: ScalarType.Int64, device: device));
        return ModelFlops.ForwardPerExample(model, batch) * ModelFlops.TrainingStepPerForward * options.BatchSize;
    }

    /// <summary>One method's model, regulariser and optimiser step, timed in rounds; an error when it cannot run.</summary>
    private sealed class MethodRun : IDisposable
    {
        private readonly string _name;
        private readonly DownstreamModel? _model;
        private readonly Regulariser? _regulariser;
        private readonly TrainingStep? _step;
        private readonly TrainingSet? _data;
        private readonly Tensor? _order;
        private readonly int _batchSize;
        private readonly string? _error;
        private int _next;
        private int _timedSteps;
        private double _seconds;
        private double _cpuSeconds;

        private MethodRun(string name, string error)
        {
            _name = name;
            _error = error;
        }

        private MethodRun(string name, DownstreamModel model, Regulariser? regulariser, TrainingStep step, TrainingSet data, int batchSize, Device device)
        {
            _name = name;
            _model = model;
            _regulariser = regulariser;
            _step = step;
            _data = data;
            _batchSize = batchSize;
            _order = arange(data.Rows, dtype: ScalarType.Int64, device: device);
        }

        public StepTiming Timing => _error is null
            ? new StepTiming(_name, _timedSteps, _seconds, _cpuSeconds, null, null)
            : new StepTiming(_name, 0, 0, 0, null, _error);

        public static MethodRun Prepare(StepBenchmarkOptions options, MethodInfo method, InputShape shape, LabeledSplit split,
            TrainingSet data, FeatureMatrix teacher, Device device)
        {
            var student = StudentFactory.Create(options.Downstream, shape, options.NumClasses, device, Seed);
            student.Load([split], device).Single().Dispose(); // the vocabulary restriction trials apply
            var model = student.Model;
            Regulariser? regulariser = null;
            try
            {
                if (method.IsRegularised)
                {
                    regulariser = RegulariserFactory.Create(new RegulariserSetup
                    {
                        Method = method.Id,
                        StudentDim = model.FeatureDim,
                        TeacherTrainFeatures = [teacher],
                        TeacherKeys = [TeacherKey],
                        TrainLabels = SyntheticLabelArray(data.Rows, options.NumClasses),
                        NumClasses = options.NumClasses,
                        Device = device,
                        Seed = Seed,
                        InitialStudentFeatures = () => Evaluator.Features(model, data.Inputs, options.BatchSize, device),
                    });
                    regulariser?.to(device);
                }
            }
            catch (Exception e) when (e is NotImplementedException or NotSupportedException)
            {
                regulariser?.Dispose();
                model.Dispose();
                return new MethodRun(method.Name, $"not available: {e.Message}");
            }

            var lr = TrainingConfig.DefaultLr;
            var settings = new TrainingSettings
            {
                Steps = options.Steps,
                BatchSize = options.BatchSize,
                Lr = lr,
                PriorLr = method.PriorLrFollowsModelLr ? lr : TrainingConfig.DefaultPriorLr,
                Lambda = options.Lambda,
                Seed = Seed,
            };
            model.train();
            regulariser?.train();
            return new MethodRun(method.Name, model, regulariser, new TrainingStep(model, regulariser, settings), data, options.BatchSize, device);
        }

        public void WarmUp(int steps, Device device)
        {
            if (_error is not null) return;
            for (var i = 0; i < steps; i++) RunStep();
            DeviceSelector.Synchronize(device);
        }

        public void Time(int steps, Device device)
        {
            if (_error is not null) return;
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < steps; i++) RunStep();
            DeviceSelector.Synchronize(device);
            clock.Stop();
            process.Refresh();
            _cpuSeconds += (process.TotalProcessorTime - cpuBefore).TotalSeconds;
            _seconds += clock.Elapsed.TotalSeconds;
            _timedSteps += steps;
        }

        private void RunStep()
        {
            using var scope = NewDisposeScope();
            var batches = _data!.Rows / _batchSize;
            var index = _order!.narrow(0, (long)(_next % batches) * _batchSize, _batchSize);
            _step!.Run(_next, _data.Inputs.Gather(index), _data.Labels.index_select(0, index), _data.Teacher!.Gather(index));
            _next++;
        }

        public void Dispose()
        {
            _step?.Dispose();
            _regulariser?.Dispose();
            _model?.Dispose();
            _order?.Dispose();
        }
    }

    /// <summary>The split as a trial's student reads it (a text student's vocabulary restricted to the split's tokens).</summary>
    private static InputTensor LoadAsTrialsDo(StepBenchmarkOptions options, InputShape shape, LabeledSplit split, Device device)
    {
        using var probe = StudentFactory.Create(options.Downstream, shape, options.NumClasses, CPU, Seed);
        return probe.Load([split], device).Single();
    }

    /// <summary>Random examples of the kind the architecture reads: vectors, texts of
    /// <see cref="StepBenchmarkOptions.SequenceLength"/> tokens, or square images.</summary>
    private static LabeledSplit SyntheticSplit(StepBenchmarkOptions options, DownstreamModelInfo architecture, int rows)
    {
        var random = SplitMix64.For(Seed, "bench-inputs");
        var labels = SyntheticLabelArray(rows, options.NumClasses);
        switch (architecture.Accepts[0])
        {
            case DatasetKind.Vectors:
            {
                var values = new float[rows * options.VectorDim];
                for (var i = 0; i < values.Length; i++) values[i] = (float)(random.NextInt(2001) / 1000.0 - 1);
                return new LabeledSplit { Labels = labels, Vectors = new VectorBatch { Dim = options.VectorDim, Values = values } };
            }
            case DatasetKind.Text:
            {
                // Common words, each one WordPiece token in the bundled vocabularies, so rows are SequenceLength long.
                var words = new[] { "the", "model", "transfers", "knowledge", "from", "large", "foundation", "models", "to", "small", "ones" };
                var texts = new string[rows];
                for (var r = 0; r < rows; r++)
                    texts[r] = string.Join(' ', Enumerable.Range(0, options.SequenceLength - 2).Select(_ => words[random.NextInt(words.Length)]));
                return new LabeledSplit { Labels = labels, Texts = texts };
            }
            default:
            {
                var side = options.ImageSize;
                var pixels = new byte[rows * side * side * 3];
                for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)random.NextInt(256);
                return new LabeledSplit { Labels = labels, Images = new ImageBatch { Height = side, Width = side, Pixels = pixels } };
            }
        }
    }

    private static int[] SyntheticLabelArray(int rows, int numClasses) =>
        Enumerable.Range(0, rows).Select(i => i % numClasses).ToArray();

    private static Tensor SyntheticLabels(int rows, int numClasses, Device device) =>
        InputTensors.Labels(SyntheticLabelArray(rows, numClasses), device);

    private static VectorInputs SyntheticTeacher(int rows, int dim, Device device, out FeatureMatrix matrix)
    {
        var random = SplitMix64.For(Seed, "bench-teacher");
        var values = new float[rows * dim];
        for (var i = 0; i < values.Length; i++) values[i] = (float)(random.NextInt(2001) / 1000.0 - 1);
        matrix = new FeatureMatrix(rows, dim, values);
        return new VectorInputs(values, rows, dim, device);
    }
}
