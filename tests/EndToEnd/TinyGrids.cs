using System.Text.Json;
using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.EndToEnd;

/// <summary>Grids small enough for a CLI run in seconds on a loaded CPU: sklearn digits, an mlp, a few training steps.</summary>
public static class TinyGrids
{
    public static string DigitsFolder => Path.Combine(RepositoryRoot.Find(), "examples", "data", "sklearn_digits");

    /// <summary>Writes grid.json into <paramref name="folder"/> and returns its path.</summary>
    public static string Write(string folder, string name, object teachers, object combos, object methods, int[] seeds,
        string? trainFile = null, int steps = 10, string? testFile = null, string? init = null)
    {
        var grid = new Dictionary<string, object?>
        {
            ["name"] = name,
            ["dataset"] = new Dictionary<string, object?>
            {
                ["name"] = "sklearn-digits",
                ["kind"] = "vectors",
                ["format"] = "csv",
                ["train"] = trainFile ?? Path.Combine(DigitsFolder, "digits-train.csv"),
                ["test"] = testFile ?? Path.Combine(DigitsFolder, "digits-test.csv"),
                ["header"] = false,
                ["label"] = 64,
                ["limit"] = new { train = 200, test = 100 },
            },
            ["downstream"] = new { model = "mlp", init },
            ["teachers"] = teachers,
            ["combos"] = combos,
            ["methods"] = methods,
            ["seeds"] = seeds,
            ["training"] = new { steps, batchSize = 32, lr = 0.001, device = "cpu" },
            ["selection"] = new { seeds = new[] { 0 } },
        };
        var path = Path.Combine(folder, $"{name}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(grid));
        return path;
    }
}
