using System.ComponentModel;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Bench.Step;

/// <summary>Options of <c>aftsweep bench step</c>.</summary>
public sealed class BenchStepSettings : CommandSettings
{
    [CommandOption("--model <MODEL>")]
    [Description("Downstream model: mlp, cnn-small, resnet18, text-transformer.")]
    public string Model { get; init; } = "cnn-small";

    [CommandOption("--methods <METHODS>")]
    [Description("Comma-separated method ids (stl is always measured as the baseline).")]
    public string Methods { get; init; } = "stl";

    [CommandOption("--batch <N>")]
    [Description("Batch size (default 128).")]
    public int Batch { get; init; } = 128;

    [CommandOption("--steps <N>")]
    [Description("Timed steps per method after warm-up (default 20).")]
    public int Steps { get; init; } = 20;

    [CommandOption("--warmup <N>")]
    [Description("Untimed warm-up steps per method (default 3).")]
    public int Warmup { get; init; } = 3;

    [CommandOption("--teacher-dim <D>")]
    [Description("Width of the synthetic teacher features (default 512).")]
    public int TeacherDim { get; init; } = 512;

    [CommandOption("--small-image-stem")]
    [Description("resnet18: 3x3 stride-1 stem without max-pool (for 32x32 inputs).")]
    public bool SmallImageStem { get; init; }

    [CommandOption("--device <DEVICE>")]
    [Description("auto | cpu | cuda:N (default auto).")]
    public string Device { get; init; } = "auto";

    [CommandOption("--threads <N>")]
    [Description("libtorch CPU threads (default: libtorch's choice).")]
    public int? Threads { get; init; }

    [CommandOption("--json")]
    [Description("Machine-readable output.")]
    public bool Json { get; init; }
}
