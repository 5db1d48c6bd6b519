using AftSweep.Contracts.Grid;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Teachers;

namespace AftSweep.Client.Commands.Features;

/// <summary>
/// What the feature verbs need from the rest of the tool: the grid parser, the dataset loader and the teacher
/// factory (written in their own components), plus output writers and the environment. The verbs take these
/// by injection so tests run them with captured output; <see cref="Default"/> is what the shipped tool uses,
/// and its host sets the real parser, loader and factory (see <see cref="Wire"/>).
/// </summary>
public sealed class FeatureCommandServices
{
    /// <summary>Reads and validates grid.json (errors name the JSON path).</summary>
    public required Func<string, GridSpec> LoadGrid { get; init; }
    public required IDatasetLoader Datasets { get; init; }
    public required ITeacherFactory Teachers { get; init; }
    public TextWriter Out { get; init; } = Console.Out;
    public TextWriter Error { get; init; } = Console.Error;
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;
    /// <summary>Whether to draw live progress bars (a terminal) or print one line per shard.</summary>
    public bool Interactive { get; init; } = !Console.IsErrorRedirected;

    /// <summary>The services the `aftsweep` binary runs with.</summary>
    public static FeatureCommandServices Default { get; } = new()
    {
        LoadGrid = LoadValidGrid,
        Datasets = new DatasetLoader(),
        Teachers = new TeacherFactory(),
    };

    /// <summary>The grid parser's verdict as an exception the verbs map to exit code 2 (every problem listed).</summary>
    private static GridSpec LoadValidGrid(string path)
    {
        var result = GridParser.ParseFile(path);
        if (result.IsValid) return result.Spec!;
        throw new ArgumentException($"{path} is not a valid grid:\n  " + string.Join("\n  ", result.Problems));
    }
}
