using System.Globalization;
using System.Text.Json;
using AftSweep.Transfer.Torch;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Bench.Step;

/// <summary>
/// <c>aftsweep bench step</c>: training steps per second of each method on one model and batch, and each method's
/// step time relative to stl. Exit 0 when every method ran, 1 when some could not (listed), 2 on bad options.
/// </summary>
public sealed class BenchStepCommand : Command<BenchStepSettings>
{
    public override int Execute(CommandContext context, BenchStepSettings settings, CancellationToken cancellationToken)
    {
        IReadOnlyList<StepTiming> timings;
        string device;
        StepUtilisation utilisation;
        try
        {
            if (settings.Threads is { } threads)
            {
                if (threads <= 0) throw new ArgumentException($"--threads must be positive, got {threads}");
                TorchSharp.torch.set_num_threads(threads);
            }
            device = DeviceSelector.Describe(DeviceSelector.Resolve(settings.Device));
            var options = new StepBenchmarkOptions
            {
                Downstream = settings.Downstream(),
                ImageSize = settings.ImageSize,
                SequenceLength = settings.SequenceLength,
                Methods = settings.Methods.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                BatchSize = settings.Batch,
                Steps = settings.Steps,
                WarmupSteps = Math.Max(0, settings.Warmup),
                TeacherDim = settings.TeacherDim,
                Device = settings.Device,
            };
            timings = StepBenchmark.Run(options, cancellationToken);
            var resolved = DeviceSelector.Resolve(settings.Device);
            utilisation = new StepUtilisation(
                StepBenchmark.ModelTrainingFlopsPerStep(options),
                MatmulPeak.Measure(resolved),
                resolved.type == TorchSharp.DeviceType.CUDA);
        }
        catch (Exception e) when (e is ArgumentException or AftSweep.Transfer.Models.Checkpoints.CheckpointException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }

        if (settings.Json) WriteJson(settings, device, timings, utilisation);
        else WriteTable(settings, device, timings, utilisation);
        return timings.Any(t => t.Error is not null) ? 1 : 0;
    }

    private static void WriteJson(BenchStepSettings settings, string device, IReadOnlyList<StepTiming> timings, StepUtilisation utilisation)
    {
        var payload = new
        {
            model = settings.Model,
            init = settings.Init,
            layers = settings.Layers,
            resolution = settings.Resolution,
            imageSize = settings.ImageSize,
            sequenceLength = settings.SequenceLength,
            smallImageStem = settings.SmallImageStem,
            batch = settings.Batch,
            device,
            threads = TorchSharp.torch.get_num_threads(),
            versions = AftSweep.Transfer.LibraryVersions.Current,
            modelTrainingFlopsPerStep = utilisation.ModelFlopsPerStep,
            peakMatmulFlopsPerSecond = utilisation.Peak.PerSecond,
            peakMatmulFlopsPerCpuSecond = utilisation.Peak.PerCpuSecond,
            utilisationBasis = utilisation.Cuda ? "wall" : "cpu",
            methods = timings.Select(t => new
            {
                method = t.Method,
                steps = t.Steps,
                stepsPerSecond = t.Error is null ? t.StepsPerSecond : (double?)null,
                msPerStep = t.Error is null ? t.MillisecondsPerStep : (double?)null,
                cpuMsPerStep = t.Error is null ? t.CpuMillisecondsPerStep : (double?)null,
                ratioToStl = t.RatioToStl,
                modelFlopsPerSecond = t.Error is null ? utilisation.Achieved(t) : (double?)null,
                fractionOfPeak = t.Error is null ? utilisation.FractionOfPeak(t) : (double?)null,
                error = t.Error,
            }),
        };
        Console.Out.WriteLine(JsonSerializer.Serialize(payload, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static void WriteTable(BenchStepSettings settings, string device, IReadOnlyList<StepTiming> timings, StepUtilisation utilisation)
    {
        var console = AnsiConsole.Console;
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"bench step: {settings.Describe()}, batch {settings.Batch}, {device}, {TorchSharp.torch.get_num_threads()} threads")));
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"model: {utilisation.ModelFlopsPerStep / 1e9:F2} GFLOP per training step (3 x forward, conv and linear layers); peak: {utilisation.PeakFlopsPerSecond / 1e9:F1} GFLOP per {(utilisation.Cuda ? "second" : "CPU-second")} (fp32 1024x1024 matmul, same threads; {utilisation.Peak.PerSecond / 1e9:F1} GFLOP/s wall)")));
        var table = new Table().AddColumns("method", "steps/s", "ms/step", "cpu ms/step", "time vs stl", utilisation.Cuda ? "model GFLOP/s" : "model GFLOP/cpu-s", "of peak");
        foreach (var t in timings)
        {
            if (t.Error is not null)
            {
                table.AddRow(t.Method, "-", "-", "-", Markup.Escape(t.Error), "-", "-");
                continue;
            }
            table.AddRow(t.Method,
                t.StepsPerSecond.ToString("F2", CultureInfo.InvariantCulture),
                t.MillisecondsPerStep.ToString("F1", CultureInfo.InvariantCulture),
                t.CpuMillisecondsPerStep.ToString("F1", CultureInfo.InvariantCulture),
                t.RatioToStl is { } r ? r.ToString("F3", CultureInfo.InvariantCulture) : "-",
                (utilisation.Achieved(t) / 1e9).ToString("F1", CultureInfo.InvariantCulture),
                utilisation.FractionOfPeak(t).ToString("P1", CultureInfo.InvariantCulture));
        }
        console.Write(table);
    }
}
