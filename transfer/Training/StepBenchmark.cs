using AftSweep.Transfer.Numerics;
using System.Diagnostics;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Methods;
using AftSweep.Transfer.Features;
using AftSweep.Transfer.Models;
using AftSweep.Transfer.Regularisers;
using AftSweep.Transfer.Text;
using AftSweep.Transfer.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Training;

/// <summary>What <c>bench step</c> measures: one model, one batch size, several methods.</summary>
public sealed record StepBenchmarkOptions
{
    public required string Model { get; init; }
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
    /// <summary>text-transformer: tokens per row.</summary>
    public int SequenceLength { get; init; } = 64;
    public double Lambda { get; init; } = 1;
    public string Device { get; init; } = "auto";
    public IReadOnlyDictionary<string, string> ModelOptions { get; init; } = new Dictionary<string, string>();
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
/// freshly initialised model (same seed) and warm-up steps before timing. stl is always measured: it is the baseline
/// of every ratio (method step time / stl step time).
/// </summary>
public static class StepBenchmark
{
    private const int Seed = 0;
    private const string TeacherKey = "synthetic";

    public static IReadOnlyList<StepTiming> Run(StepBenchmarkOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!DownstreamModelFactory.Names.Contains(options.Model))
            throw new ArgumentException($"--model '{options.Model}' is not one of {string.Join(", ", DownstreamModelFactory.Names)}");
        if (options.BatchSize < 2) throw new ArgumentException($"--batch must be at least 2, got {options.BatchSize}");
        if (options.Steps < 1) throw new ArgumentException($"--steps must be at least 1, got {options.Steps}");
        var methods = options.Methods.Select(m => MethodCatalog.TryGet(m, out var info)
            ? info : throw new ArgumentException($"--methods: unknown method '{m}' (known: {string.Join(", ", MethodCatalog.Names)})")).ToList();
        if (methods.Any(m => m.Id == MethodId.LinearProbe))
            throw new ArgumentException("--methods: linear-probe trains a linear layer on teacher features, not the downstream model; it has no step to compare");
        if (methods.All(m => m.Id != MethodId.Stl)) methods.Insert(0, MethodCatalog.Get(MethodId.Stl));

        var device = DeviceSelector.Resolve(options.Device);
        var rows = options.BatchSize * 4;
        var (shape, inputs) = SyntheticInputs(options, rows, device);
        using var data = new TrainingSet(inputs, SyntheticLabels(rows, options.NumClasses, device), SyntheticTeacher(rows, options.TeacherDim, device, out var teacherMatrix));

        var timings = new List<StepTiming>();
        foreach (var method in methods)
        {
            cancellationToken.ThrowIfCancellationRequested();
            timings.Add(Measure(options, method, shape, data, teacherMatrix, device, cancellationToken));
        }
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
        var (shape, inputs) = SyntheticInputs(options, options.BatchSize, device);
        using var owned = inputs;
        var spec = new DownstreamSpec { Model = options.Model, Options = options.ModelOptions };
        using var model = DownstreamModelFactory.Create(spec, shape, options.NumClasses, device, Seed);
        model.train();
        using var scope = NewDisposeScope();
        var batch = inputs.Gather(arange(options.BatchSize, dtype: ScalarType.Int64, device: device));
        return ModelFlops.ForwardPerExample(model, batch) * ModelFlops.TrainingStepPerForward * options.BatchSize;
    }

    private static StepTiming Measure(StepBenchmarkOptions options, MethodInfo method, InputShape shape, TrainingSet data,
        FeatureMatrix teacher, Device device, CancellationToken cancellationToken)
    {
        var spec = new DownstreamSpec { Model = options.Model, Options = options.ModelOptions };
        using var model = DownstreamModelFactory.Create(spec, shape, options.NumClasses, device, Seed);
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
            return new StepTiming(method.Name, 0, 0, 0, null, $"not available: {e.Message}");
        }

        using var owned = regulariser;
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
        using var step = new TrainingStep(model, regulariser, settings);
        var batches = data.Rows / options.BatchSize;
        using var order = arange(data.Rows, dtype: ScalarType.Int64, device: device);

        void RunStep(int i)
        {
            using var scope = NewDisposeScope();
            var index = order.narrow(0, (long)(i % batches) * options.BatchSize, options.BatchSize);
            step.Run(i, data.Inputs.Gather(index), data.Labels.index_select(0, index), data.Teacher!.Gather(index));
        }

        for (var i = 0; i < options.WarmupSteps; i++) RunStep(i);
        DeviceSelector.Synchronize(device);
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < options.Steps; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            RunStep(options.WarmupSteps + i);
        }
        DeviceSelector.Synchronize(device);
        clock.Stop();
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        return new StepTiming(method.Name, options.Steps, clock.Elapsed.TotalSeconds, cpu, null, null);
    }

    private static (InputShape Shape, InputTensor Inputs) SyntheticInputs(StepBenchmarkOptions options, int rows, Device device)
    {
        var random = SplitMix64.For(Seed, "bench-inputs");
        switch (options.Model)
        {
            case "mlp":
            {
                var values = new float[rows * options.VectorDim];
                for (var i = 0; i < values.Length; i++) values[i] = (float)(random.NextInt(2001) / 1000.0 - 1);
                return (InputShape.Vector(options.VectorDim), new VectorInputs(values, rows, options.VectorDim, device));
            }
            case "text-transformer":
            {
                // Ids drawn past the special tokens ([PAD] 0 ... [MASK] 103) so no position is masked.
                var texts = new string[rows];
                var vocabulary = WordPieceTokenizer.MiniLm;
                var words = new[] { "the", "model", "transfers", "knowledge", "from", "large", "foundation", "models", "to", "small", "ones" };
                for (var r = 0; r < rows; r++)
                    texts[r] = string.Join(' ', Enumerable.Range(0, options.SequenceLength - 2).Select(_ => words[random.NextInt(words.Length)]));
                return (InputShape.Tokens(WordPieceTokenizer.MiniLm.VocabularySize, InputTensors.MaxTextTokens),
                    new TokenInputs(texts, vocabulary, InputTensors.MaxTextTokens, device));
            }
            default:
            {
                var side = options.ImageSize;
                var pixels = new byte[rows * side * side * 3];
                for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)random.NextInt(256);
                var batch = new Data.ImageBatch { Height = side, Width = side, Pixels = pixels };
                return (InputShape.Image(3, side, side), new ImageInputs(batch, device));
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
