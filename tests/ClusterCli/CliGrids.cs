namespace AftSweep.Tests.ClusterCli;

/// <summary>Grids for the cluster verb tests.</summary>
public static class CliGrids
{
    public const int TrialsPerGrid = 6;

    /// <summary>
    /// A real grid on the tiny text dataset: stl and kd (lambdas 1 and 10) with one noise teacher, 2 final seeds and 1
    /// selection seed: 2 selection + 4 final = 6 trials. The dataset name scripts the executor. Trials are content
    /// addressed and shared between sweeps with the same inputs, so grids that must not share trials need different steps.
    /// </summary>
    public static string Write(string folder, string dataset, int steps)
    {
        Directory.CreateDirectory(folder);
        var data = Path.Combine(AppContext.BaseDirectory, "Grids", "data", "tiny").Replace('\\', '/');
        var path = Path.Combine(folder, $"{dataset}.json");
        File.WriteAllText(path, $$"""
            {
              "name": "cli-{{dataset}}",
              "dataset": { "name": "{{dataset}}", "kind": "text", "format": "tsv", "train": "{{data}}/train.tsv", "test": "{{data}}/test.tsv", "text": ["sentence"], "label": "label" },
              "downstream": { "model": "text-transformer" },
              "teachers": { "noise": "noise:8" },
              "combos": [["noise"]],
              "methods": { "stl": {}, "kd": { "lambdas": [1, 10] } },
              "seeds": [0, 1],
              "training": { "steps": {{steps}}, "batchSize": 2, "device": "cpu" },
              "selection": { "seeds": [0] }
            }
            """);
        return path;
    }
}
