using System.Text.Json;

namespace AftSweep.Tests.Observability;

/// <summary>The Grafana dashboards under infra/grafana/dashboards and the PromQL of every panel target.</summary>
public static class Dashboards
{
    public static string Folder => Path.Combine(Infrastructure.RepositoryRoot.Find(), "infra", "grafana", "dashboards");

    public static IReadOnlyList<string> Files() => Directory.GetFiles(Folder, "*.json").Order(StringComparer.Ordinal).ToList();

    public static JsonDocument Load(string file) => JsonDocument.Parse(File.ReadAllText(file));

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
