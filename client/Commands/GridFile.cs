using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Protocol;

namespace AftSweep.Client.Commands;

/// <summary>Reads a grid for a verb: a valid spec, or every problem printed to stderr (one per line) and null.</summary>
public static class GridFile
{
    public static GridSpec? Load(string path, long? maxTrials, CliOutput output)
    {
        var options = maxTrials is { } cap ? GridParserOptions.Default with { MaxTrials = cap } : GridParserOptions.Default;
        var result = GridParser.ParseFile(path, options);
        if (result.IsValid)
        {
            if (GridContent.Check(result.Spec!) is not { } problem) return result.Spec;
            output.Error.WriteLine(problem);
            output.Error.WriteLine($"{Path.GetFullPath(path)}: the grid's files cannot be used, nothing done");
            return null;
        }
        foreach (var problem in result.Problems) output.Error.WriteLine(problem);
        output.Error.WriteLine($"{Path.GetFullPath(path)}: {result.Problems.Count} problem{(result.Problems.Count == 1 ? "" : "s")}, nothing done");
        return null;
    }

    /// <summary>A valid grid expanded into its plan, or null after printing why (problems, or files unreadable while hashing).</summary>
    public static SweepPlan? LoadPlan(string path, long? maxTrials, CliOutput output)
    {
        var grid = Load(path, maxTrials, output);
        if (grid is null) return null;
        try
        {
            return GridPlanner.Plan(grid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Validation saw the files; one vanished or became unreadable while hashing.
            output.Error.WriteLine($"{Path.GetFullPath(path)}: cannot read the grid's files: {e.Message}");
            return null;
        }
    }
}
