using System.Reflection;

namespace AftSweep.Transfer.Features;

/// <summary>Versions recorded in each manifest for provenance (not part of the set key).</summary>
public static class LibraryVersions
{
    public static IReadOnlyDictionary<string, string> Current { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["aftsweep"] = Version(typeof(LibraryVersions).Assembly),
        ["dotnet"] = Environment.Version.ToString(),
        ["onnxruntime"] = Version(typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly),
    };

    private static string Version(Assembly a) =>
        a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? a.GetName().Version?.ToString() ?? "unknown";
}
