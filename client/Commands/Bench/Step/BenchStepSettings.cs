using System.ComponentModel;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Bench.Step;

/// <summary>Options of <c>aftsweep bench step</c>.</summary>
public sealed class BenchStepSettings : CommandSettings
{
    [CommandOption("--model <MODEL>")]
    [Description("Downstream model: mlp, cnn-small, resnet18, resnet50, vit-s16, text-transformer, bert, dan.")]
    public string Model { get; init; } = "cnn-small";

    [CommandOption("--init <CHECKPOINT>")]
    [Description("The student's checkpoint, as downstream.init: onnx:minilm, onnx:arctic-xs, onnx:resnet18-imagenet or a file.")]
    public string? Init { get; init; }

    [CommandOption("--layers <LIST>")]
    [Description("bert, vit-s16: the checkpoint's layers the student keeps, e.g. 0,2,4 (default: all).")]
    public string? Layers { get; init; }

    [CommandOption("--resolution <PX>")]
    [Description("Image students: the size images are resized to (default: --image-size).")]
    public int? Resolution { get; init; }

    [CommandOption("--image-size <PX>")]
    [Description("Side of the synthetic square images (default 32).")]
    public int ImageSize { get; init; } = 32;

    [CommandOption("--seq-len <N>")]
    [Description("Text students: tokens per synthetic row, [[CLS]] and [[SEP]] included (default 64).")]
    public int SequenceLength { get; init; } = 64;

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

    /// <summary>The student as a grid's downstream block.</summary>
    public AftSweep.Contracts.Grid.DownstreamSpec Downstream()
    {
        var layers = Layers?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => int.TryParse(l, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var i) && i >= 0
                ? i : throw new ArgumentException($"--layers must be a comma-separated list of layer indices, got '{Layers}'"))
            .ToList();
        var init = Init is null || AftSweep.Contracts.Grid.OfflineCheckpoints.LooksOffline(Init) ? Init : Path.GetFullPath(Init);
        return new AftSweep.Contracts.Grid.DownstreamSpec
        {
            Model = Model,
            Init = init,
            Layers = layers,
            Resolution = Resolution,
            Options = SmallImageStem ? new Dictionary<string, string> { ["smallImageStem"] = "true" } : new Dictionary<string, string>(),
        };
    }

    public string Describe() =>
        Model + (Init is null ? "" : $" from {Init}") + (Layers is null ? "" : $" layers {Layers}")
        + (Resolution is { } r ? $" at {r} px" : "") + (SmallImageStem ? " (small image stem)" : "");
}
