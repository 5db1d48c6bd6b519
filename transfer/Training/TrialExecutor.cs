using System.Diagnostics;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Trials;
using AftSweep.Transfer.Artifacts;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Features;
using AftSweep.Transfer.Models;
using AftSweep.Transfer.Models.Architectures;
using AftSweep.Transfer.Models.Checkpoints;
using AftSweep.Transfer.Numerics;
using AftSweep.Transfer.Regularisers;
using AftSweep.Transfer.Torch;
using AftSweep.Transfer.Training.LinearProbe;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Training;

/// <summary>
/// Runs one trial: loads the dataset, picks the stage's rows, fetches each teacher's features, checks that they
/// agree, builds the model and the method's regulariser, trains and evaluates the final weights (linear-probe: fits
/// a logistic regression on the teacher features to convergence instead, see <see cref="LinearProbeTrainer"/>). Bad input fails the trial with a message naming it; no Orleans here.
/// </summary>
public sealed partial class TrialExecutor : ITrialExecutor
{
    private static readonly Lock ThreadsGate = new();
    private static int _threadsSet;

    private readonly IDatasetLoader _loader;
    private readonly IFeatureSource _features;
    private readonly IArtifactCache? _artifacts;
    private readonly TrialExecutorOptions _options;
    private readonly ILogger<TrialExecutor> _logger;

    public TrialExecutor(IDatasetLoader loader, IFeatureSource features, IOptions<TrialExecutorOptions> options,
        ILogger<TrialExecutor> logger, IArtifactCache? artifacts = null)
    {
        _loader = loader;
        _features = features;
        _artifacts = artifacts;
        _options = options.Value;
        _options.Validate();
        _logger = logger;
    }

    public async Task<TrialResult> ExecuteAsync(TrialSpec spec, IProgress<TrialProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var clock = Stopwatch.StartNew();
        var label = $"trial {spec.Id}";
        var method = MethodCatalog.Get(spec.Method);
        CheckSpec(spec, method, label);

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (spec.Training.TimeoutSeconds is { } seconds) limit.CancelAfter(TimeSpan.FromSeconds(seconds));
        var token = limit.Token;
        try
        {
            progress?.Report(new TrialProgress(0, 0, 0, "load"));
            var dataset = await Task.Run(() => _loader.Load(spec.Dataset, spec.SplitSeed, token), token).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(spec.DatasetFingerprint)
                && !string.Equals(dataset.Fingerprint, spec.DatasetFingerprint, StringComparison.OrdinalIgnoreCase))
                throw new TrialFailedException(
                    $"{label}: dataset '{spec.Dataset.Name}' changed since the sweep was planned (fingerprint {dataset.Fingerprint}, trial expects {spec.DatasetFingerprint})");
            var rows = Guard(label, () => TrialRows.For(spec, dataset));
            CheckLabels(label, "train", rows.Train, dataset.NumClasses);
            CheckLabels(label, rows.EvaluatedOn, rows.Eval, dataset.NumClasses);

            progress?.Report(new TrialProgress(0, 0, 0, "features"));
            var teachers = await LoadTeachersAsync(spec, method, dataset, rows, label, token).ConfigureAwait(false);

            var result = await Task.Run(() => Train(spec, method, dataset, rows, teachers, label, progress, token), token)
                .ConfigureAwait(false);
            clock.Stop();
            LogFinished(_logger, spec.Id, method.Name, result.Accuracy, result.StepsPerSecond, clock.Elapsed.TotalSeconds);
            return result with { WallSeconds = clock.Elapsed.TotalSeconds };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && limit.IsCancellationRequested)
        {
            throw new TrialFailedException($"{label}: exceeded its time limit of {spec.Training.TimeoutSeconds} s");
        }
    }

    private sealed record TeacherFeatures(IReadOnlyList<FeatureMatrix> Train, IReadOnlyList<FeatureMatrix>? Eval);

    private async Task<TeacherFeatures?> LoadTeachersAsync(TrialSpec spec, MethodInfo method, LoadedDataset dataset,
        TrialRows rows, string label, CancellationToken token)
    {
        if (!method.UsesTeachers) return null;
        // A final AFT-style trial also probes the rho-weighted features (Figure 6a), on the same rows as the linear probe.
        var needEval = method.Id == MethodId.LinearProbe || (spec.Stage == TrialStage.Final && LearnsRho(method));
        var train = new List<FeatureMatrix>();
        var eval = needEval ? new List<FeatureMatrix>() : null;
        foreach (var teacher in spec.Combo)
        {
            var full = await _features.GetAsync(teacher, dataset, SplitName.Train, token).ConfigureAwait(false);
            CheckFeatures(label, teacher, full, "train", dataset.Train.Rows, dataset.Spec.Name);
            if (rows.TrainIndices is null)
            {
                train.Add(full);
                if (eval is not null)
                {
                    var test = await _features.GetAsync(teacher, dataset, SplitName.Test, token).ConfigureAwait(false);
                    CheckFeatures(label, teacher, test, "test", dataset.Test.Rows, dataset.Spec.Name);
                    if (test.Dim != full.Dim)
                        throw new TrialFailedException($"{label}: teacher '{teacher.Name}' gives {full.Dim}-wide train features but {test.Dim}-wide test features");
                    eval.Add(test);
                }
            }
            else
            {
                train.Add(full.SelectRows(rows.TrainIndices));
                eval?.Add(full.SelectRows(rows.EvalIndices!));
            }
        }
        return new TeacherFeatures(train, eval);
    }

    private TrialResult Train(TrialSpec spec, MethodInfo method, LoadedDataset dataset, TrialRows rows,
        TeacherFeatures? teachers, string label, IProgress<TrialProgress>? progress, CancellationToken token)
    {
        ApplyThreads();
        var device = Guard(label, () => DeviceSelector.Resolve(spec.Training.Device));
        var numClasses = dataset.NumClasses;
        if (method.Id == MethodId.LinearProbe)
            return FitLinearProbe(spec, rows, teachers!, numClasses, device, label, progress, token);

        var settings = new TrainingSettings
        {
            Steps = spec.Training.Steps,
            BatchSize = spec.Training.BatchSize,
            Lr = spec.Training.Lr,
            WeightDecay = spec.Training.WeightDecay,
            PriorLr = spec.Training.PriorLr,
            Lambda = spec.Lambda ?? 0,
            Seed = spec.Seed,
            ProgressEvery = _options.ProgressEvery,
            Label = label,
        };

        var phiTrain = teachers is null ? null : FeatureMatrix.Concat(teachers.Train);
        using var student = Guard(label, () => BuildStudent(spec, method, rows.Train, numClasses, device));
        var model = student.Model;
        var (trainSet, evalSet) = Guard(label, () => BuildSets(student, rows, phiTrain, device));
        using var train = trainSet;
        using var eval = evalSet;

        using var regulariser = method.IsRegularised
            ? Guard(label, () => BuildRegulariser(spec, method, model, train, teachers!, rows.Train, numClasses, device, settings.BatchSize))
            : null;
        regulariser?.to(device);

        // Stage 1 records its holdout accuracy per epoch (the learning-curves plot shows it); stage 2 never evaluates on test while training.
        var outcome = Trainer.Train(model, regulariser, train, settings, progress, token,
            spec.Stage == TrialStage.Selection ? () => Evaluator.Accuracy(model, eval.Inputs, eval.Labels, settings.BatchSize) : null);
        progress?.Report(new TrialProgress(outcome.Steps, outcome.Steps, outcome.Curve[^1].Loss, "evaluate"));
        var accuracy = Evaluator.Accuracy(model, eval.Inputs, eval.Labels, settings.BatchSize);

        var rho = regulariser?.LearnedRho() ?? [];
        var weightedProbe = teachers?.Eval is not null && rho.Length == phiTrain!.Dim
            ? ProbeRhoWeighted(spec, rows, phiTrain, teachers.Eval, rho, numClasses, device, label, progress, token)
            : null;
        return new TrialResult
        {
            Accuracy = accuracy,
            EvaluatedOn = rows.EvaluatedOn,
            FinalCrossEntropy = outcome.FinalCrossEntropy,
            FinalRegulariser = outcome.FinalRegulariser,
            Rho = rho,
            RhoByTeacher = teachers is null ? [] : RhoByTeacher(rho, spec.Combo, teachers.Train),
            Curve = outcome.Curve,
            WallSeconds = 0,
            StepsPerSecond = outcome.StepsPerSecond,
            Steps = outcome.Steps,
            Epochs = outcome.Epochs,
            Device = DeviceSelector.Describe(device),
            Versions = LibraryVersions.Current,
            TrainRows = train.Rows,
            EvalRows = eval.Rows,
            RhoWeightedProbe = weightedProbe,
        };
    }

    /// <summary>Methods whose regulariser learns one rho per teacher feature.</summary>
    private static bool LearnsRho(MethodInfo method) => method.Id is MethodId.Aft or MethodId.AftRbf or MethodId.AftBilevel;

    /// <summary>
    /// Figure 6a: the linear-probe protocol on the teacher features with column j scaled by rho_j. The probe's L2 is
    /// relative to the features' mean squared norm, so the scale of rho as a whole does not matter, only its shape.
    /// </summary>
    private static RhoWeightedProbe ProbeRhoWeighted(TrialSpec spec, TrialRows rows, FeatureMatrix phiTrain, IReadOnlyList<FeatureMatrix> teachersEval,
        float[] rho, int numClasses, Device device, string label, IProgress<TrialProgress>? progress, CancellationToken token)
    {
        progress?.Report(new TrialProgress(0, 0, 0, "probe"));
        var outcome = Guard(label, () => LinearProbeTrainer.Run(
            phiTrain.ScaleColumns(rho), rows.Train.Labels,
            FeatureMatrix.Concat(teachersEval).ScaleColumns(rho), rows.Eval.Labels,
            numClasses, spec.HoldoutFraction, spec.SplitSeed, device, cancellationToken: token));
        return new RhoWeightedProbe { Accuracy = outcome.Accuracy, Probe = outcome.Probe };
    }

    /// <summary>
    /// linear-probe: logistic regression on the concatenated teacher features, fitted to convergence with its L2
    /// strength chosen on a holdout of the training rows (<see cref="LinearProbeTrainer"/>). The step budget, batch
    /// size and learning rates do not apply; the result's Steps are the refit's L-BFGS iterations, its Curve empty.
    /// </summary>
    private static TrialResult FitLinearProbe(TrialSpec spec, TrialRows rows, TeacherFeatures teachers, int numClasses, Device device,
        string label, IProgress<TrialProgress>? progress, CancellationToken token)
    {
        progress?.Report(new TrialProgress(0, 0, 0, "fit"));
        var outcome = Guard(label, () => LinearProbeTrainer.Run(
            FeatureMatrix.Concat(teachers.Train), rows.Train.Labels, FeatureMatrix.Concat(teachers.Eval!), rows.Eval.Labels,
            numClasses, spec.HoldoutFraction, spec.SplitSeed, device, cancellationToken: token));
        var probe = outcome.Probe;
        progress?.Report(new TrialProgress(probe.Iterations, probe.Iterations, outcome.TrainCrossEntropy, "evaluate"));
        return new TrialResult
        {
            Accuracy = outcome.Accuracy,
            EvaluatedOn = rows.EvaluatedOn,
            FinalCrossEntropy = outcome.TrainCrossEntropy,
            FinalRegulariser = 0,
            Curve = [],
            WallSeconds = 0,
            StepsPerSecond = outcome.Seconds > 0 ? probe.Iterations / outcome.Seconds : 0,
            Steps = probe.Iterations,
            Epochs = 0,
            Device = DeviceSelector.Describe(device),
            Versions = LibraryVersions.Current,
            TrainRows = rows.Train.Rows,
            EvalRows = rows.Eval.Rows,
            Probe = probe,
        };
    }

    /// <summary>The training and evaluation rows as the student reads them.</summary>
    private static (TrainingSet Train, TrainingSet Eval) BuildSets(Student student, TrialRows rows, FeatureMatrix? phiTrain, Device device)
    {
        var inputs = student.Load([rows.Train, rows.Eval], device);
        return (new TrainingSet(inputs[0], InputTensors.Labels(rows.Train.Labels, device), phiTrain is null ? null : VectorInputs.From(phiTrain, device)),
            new TrainingSet(inputs[1], InputTensors.Labels(rows.Eval.Labels, device), null));
    }

    private static Student BuildStudent(TrialSpec spec, MethodInfo method, LabeledSplit train, int numClasses, Device device) =>
        // scratch: the same architecture, config and input pipeline with random initial weights (methods.md).
        StudentFactory.Create(spec.Downstream, InputShape.Of(train), numClasses, device, spec.Seed,
            loadWeights: method.Id != MethodId.Scratch);

    private Regulariser BuildRegulariser(TrialSpec spec, MethodInfo method, DownstreamModel model, TrainingSet train,
        TeacherFeatures teachers, LabeledSplit trainSplit, int numClasses, Device device, int batchSize)
    {
        // B-Tuning needs the model's features at initialisation: computed now, before any step, so a regulariser
        // that reads them late still sees the initial model.
        var initial = new Lazy<FeatureMatrix>(() => Evaluator.Features(model, train.Inputs, batchSize, device));
        if (method.Id == MethodId.BTuning) _ = initial.Value;
        var setup = new RegulariserSetup
        {
            Method = method.Id,
            StudentDim = model.FeatureDim,
            TeacherTrainFeatures = teachers.Train,
            TeacherKeys = spec.Combo.Select(t => t.Name).ToList(),
            TrainLabels = trainSplit.Labels,
            NumClasses = numClasses,
            Device = device,
            Seed = spec.Seed,
            InnerSteps = spec.Training.InnerSteps,
            InitialStudentFeatures = () => initial.Value,
            Artifacts = _artifacts,
        };
        return RegulariserFactory.Create(setup)
            ?? throw new InvalidOperationException($"method {method.Name} is regularised but its factory built no regulariser");
    }

    private static IReadOnlyList<TeacherRho> RhoByTeacher(float[] rho, IReadOnlyList<TeacherRef> combo, IReadOnlyList<FeatureMatrix> blocks)
    {
        if (rho.Length == 0 || rho.Length != blocks.Sum(b => b.Dim)) return [];
        var result = new List<TeacherRho>(combo.Count);
        var offset = 0;
        for (var i = 0; i < combo.Count; i++)
        {
            double sum = 0;
            for (var j = 0; j < blocks[i].Dim; j++) sum += rho[offset + j];
            result.Add(new TeacherRho(combo[i].Name, blocks[i].Dim, sum));
            offset += blocks[i].Dim;
        }
        return result;
    }

    private static void CheckSpec(TrialSpec spec, MethodInfo method, string label)
    {
        if (method.UsesTeachers && spec.Combo.Count == 0)
            throw new TrialFailedException($"{label}: method {method.Name} needs at least one teacher, the combo is empty");
        if (!method.UsesTeachers && spec.Combo.Count > 0)
            throw new TrialFailedException($"{label}: method {method.Name} uses no teachers, but the combo names {spec.ComboKey}");
        if (method.IsRegularised && spec.Lambda is null)
            throw new TrialFailedException($"{label}: method {method.Name} needs a lambda");
        if (!string.Equals(spec.Training.Optimizer, "adam", StringComparison.OrdinalIgnoreCase))
            throw new TrialFailedException($"{label}: optimizer '{spec.Training.Optimizer}' is not supported (only adam)");
    }

    private static void CheckLabels(string label, string splitName, LabeledSplit split, int numClasses)
    {
        if (split.Rows == 0) throw new TrialFailedException($"{label}: the {splitName} split has no rows");
        for (var i = 0; i < split.Labels.Length; i++)
        {
            var y = split.Labels[i];
            if (y < 0 || y >= numClasses)
                throw new TrialFailedException($"{label}: {splitName} row {i} has label {y}, expected 0..{numClasses - 1} ({numClasses} classes)");
        }
    }

    private static void CheckFeatures(string label, TeacherRef teacher, FeatureMatrix features, string split, int expectedRows, string dataset)
    {
        if (features.Dim <= 0)
            throw new TrialFailedException($"{label}: teacher '{teacher.Name}' ({teacher.Spec}) has feature width {features.Dim}; it must be at least 1");
        if (features.Rows != expectedRows)
            throw new TrialFailedException(
                $"{label}: teacher '{teacher.Name}' ({teacher.Spec}) gives {features.Rows} {split} feature rows but dataset '{dataset}' has {expectedRows} {split} rows");
    }

    private static T Guard<T>(string label, Func<T> build)
    {
        try
        {
            return build();
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException or CheckpointException)
        {
            throw new TrialFailedException($"{label}: {e.Message}");
        }
    }

    private void ApplyThreads()
    {
        if (_options.TorchThreads is not { } threads) return;
        lock (ThreadsGate)
        {
            if (_threadsSet == threads) return;
            set_num_threads(threads);
            _threadsSet = threads;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Trial {TrialId} ({Method}) finished: accuracy {Accuracy:F4}, {StepsPerSecond:F1} steps/s, {WallSeconds:F1} s")]
    private static partial void LogFinished(ILogger logger, string trialId, string method, double accuracy, double stepsPerSecond, double wallSeconds);
}
