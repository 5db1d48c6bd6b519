using System.Text.Json;

namespace AftSweep.Tests.Observability;

/// <summary>The Grafana dashboards under infra/grafana/dashboards and the PromQL of every panel target.</summary>
public static class Dashboards
{
    public static string Folder => Path.Combine(Infrastructure.RepositoryRoot.Find(), "infra", "grafana", "dashboards");

    public static IReadOnlyList<string> Files() => Directory.GetFiles(Folder, "*.json").Order(StringComparer.Ordinal).ToList();

    public static JsonDocument Load(string file) => JsonDocument.Parse(File.ReadAllText(file));

    /// <summary>The template variables every dashboard has: a sweep and a silo selector.</summary>
    public static readonly IReadOnlyList<string> RequiredVariables = ["sweep", "silo"];

    /// <summary>An expression as Grafana sends it with every variable at "All" (its allValue, ".*").</summary>
    public static string WithAllSelected(string expr) =>
        RequiredVariables.Aggregate(expr, (e, v) => e.Replace("$" + v, ".*", StringComparison.Ordinal));

    /// <summary>(dashboard file, variable name, query) for every query variable; label_values(M, L) as the PromQL that lists L.</summary>
    public static IReadOnlyList<(string File, string Name, string Query)> Variables()
    {
        var all = new List<(string, string, string)>();
        foreach (var file in Files())
        {
            using var doc = Load(file);
            if (!doc.RootElement.TryGetProperty("templating", out var templating)) continue;
            foreach (var variable in templating.GetProperty("list").EnumerateArray())
            {
                var definition = variable.GetProperty("definition").GetString() ?? "";
                var match = System.Text.RegularExpressions.Regex.Match(definition, @"^label_values\((.+),\s*(\w+)\)$");
                if (!match.Success) throw new InvalidDataException($"{Path.GetFileName(file)}: variable {variable.GetProperty("name")}: '{definition}' is not label_values(METRIC, LABEL)");
                all.Add((Path.GetFileName(file), variable.GetProperty("name").GetString()!, $"count by ({match.Groups[2].Value}) ({match.Groups[1].Value})"));
            }
        }
        return all;
    }

    /// <summary>(dashboard file, panel title, expression) for every target of every panel, rows' nested panels included.</summary>
    public static IReadOnlyList<(string File, string Panel, string Expr)> Expressions()
    {
        var all = new List<(string, string, string)>();
        foreach (var file in Files())
        {
            using var doc = Load(file);
            foreach (var panel in Panels(doc.RootElement))
            {
                if (!panel.TryGetProperty("targets", out var targets)) continue;
                var title = panel.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "";
                foreach (var target in targets.EnumerateArray())
                    if (target.TryGetProperty("expr", out var expr)) all.Add((Path.GetFileName(file), title, expr.GetString() ?? ""));
            }
        }
        return all;
    }

    public static IEnumerable<JsonElement> Panels(JsonElement dashboard)
    {
        if (!dashboard.TryGetProperty("panels", out var panels)) yield break;
        foreach (var panel in panels.EnumerateArray())
        {
            yield return panel;
            foreach (var nested in Panels(panel)) yield return nested;
        }
    }
}
