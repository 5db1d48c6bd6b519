using System.Text.Json.Nodes;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Trials;

namespace AftSweep.Contracts.Protocol;

/// <summary>
/// Content-addressed ids: sha256 of <see cref="CodeVersion.Trials"/> and the canonical JSON of what determines the
/// result. Machine-specific things are left out (absolute paths, which the dataset, teacher and init fingerprints
/// stand for; the device and the timeout), so the same grid gives the same ids on every machine.
/// </summary>
public static class TrialIds
{
    /// <summary>Hex characters kept: 128 bits, ample against collisions and short enough for blob names.</summary>
    public const int Length = 32;

    public static TrialSpec WithId(TrialSpec spec) => spec with { Id = Of(spec) };

    public static string Of(TrialSpec spec) => Hash(CanonicalForm(spec));

    /// <summary>The exact text a trial id hashes (after the code version line): useful to see why two ids differ.</summary>
    public static string CanonicalForm(TrialSpec spec)
    {
        var node = CanonicalJson.ToNode(spec with { Id = "" }).AsObject();
        node.Remove("id");
        // The dataset's content and loader options are in datasetFingerprint; its name and paths do not change results.
        node.Remove("dataset");
        RemoveRunSettings(node["training"]!.AsObject());
        Portable(node["downstream"]!.AsObject());
        foreach (var teacher in node["combo"]!.AsArray()) Portable(teacher!.AsObject());
        return CanonicalJson.Write(node);
    }

    /// <summary>The sweep's id: the grid's semantic content (not its formatting or key order) and the code version.</summary>
    public static string OfSweep(GridSpec grid, string datasetFingerprint, IReadOnlyList<TeacherRef> teachers, DownstreamSpec downstream)
    {
        // "teachers" is a name -> spec map in grid.json: its order carries no meaning (combos carry the order).
        var sorted = teachers.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var node = CanonicalJson.ToNode(grid with { Teachers = sorted, Downstream = downstream }).AsObject();
        node.Remove("baseDirectory");
        var dataset = node["dataset"]!.AsObject();
        dataset.Remove("train");
        dataset.Remove("test");
        dataset["fingerprint"] = datasetFingerprint;
        Portable(node["downstream"]!.AsObject());
        foreach (var teacher in node["teachers"]!.AsArray()) Portable(teacher!.AsObject());
        RemoveRunSettings(node["training"]!.AsObject());
        foreach (var method in node["methods"]!.AsArray()) RemoveRunSettings(method!["overrides"]!.AsObject());
        return Hash(CanonicalJson.Write(node));
    }

    /// <summary>Where and how long a trial may run do not change what it computes.</summary>
    private static void RemoveRunSettings(JsonObject training)
    {
        training.Remove("device");
        training.Remove("timeoutSeconds");
    }

    private static string Hash(string canonical) => CanonicalJson.Sha256Hex($"{CodeVersion.Trials}\n{canonical}", Length);

    /// <summary>Replaces a path-bearing teacher spec or the checkpoint's paths by their path-free form; the
    /// fingerprint stays.</summary>
    private static void Portable(JsonObject node)
    {
        if (node["spec"] is JsonValue spec && node["fingerprint"] is not null &&
            TeacherSpec.TryParse(spec.GetValue<string>(), "/", out var parsed, out _))
            node["spec"] = parsed.PortableForm;
        if (node["initFingerprint"] is null) return;
        // The fingerprint stands for the checkpoint's files; an offline source's name is already portable.
        if (node["init"] is JsonValue init && !OfflineCheckpoints.LooksOffline(init.GetValue<string>())) node.Remove("init");
        node.Remove("configFile");
        node.Remove("vocabulary");
    }
}
