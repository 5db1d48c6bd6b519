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
    public static FeatureCommandServices Default { get; private set; } = new()
    {
        LoadGrid = _ => throw new NotWiredException("the grid parser (contracts/Grid)"),
        Datasets = new UnwiredDatasetLoader(),
        Teachers = new UnwiredTeacherFactory(),
    };

    /// <summary>Called once at start-up by the host with the real grid parser, dataset loader and teacher factory.</summary>
    public static void Wire(Func<string, GridSpec> loadGrid, IDatasetLoader datasets, ITeacherFactory teachers) =>
        Default = new FeatureCommandServices { LoadGrid = loadGrid, Datasets = datasets, Teachers = teachers };

    private sealed class UnwiredDatasetLoader : IDatasetLoader
    {
        public LoadedDataset Load(DatasetSpec spec, CancellationToken cancellationToken = default) => throw new NotWiredException("the dataset loader (transfer/Data)");
    }

    private sealed class UnwiredTeacherFactory : ITeacherFactory
    {
        public ITeacher Create(string spec, string baseDirectory) => throw new NotWiredException("the teacher factory (transfer/Teachers)");
    }
}

/// <summary>A component this build of the tool was not given at start-up (see <see cref="FeatureCommandServices.Wire"/>).</summary>
public sealed class NotWiredException(string component)
    : InvalidOperationException($"{component} is not wired into this build of aftsweep (FeatureCommandServices.Wire)");
