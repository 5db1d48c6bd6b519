using System.Reflection;
using TorchSharp;

namespace AftSweep.Transfer;

/// <summary>Library versions recorded for provenance in trial results and feature manifests (never part of a key).</summary>
public static class LibraryVersions
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Cached = new(Collect);

    public static IReadOnlyDictionary<string, string> Current => Cached.Value;

    private static IReadOnlyDictionary<string, string> Collect() => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["TorchSharp"] = InformationalVersion(typeof(torch).Assembly),
        ["libtorch"] = torch.__version__,
        ["onnxruntime"] = InformationalVersion(typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly),
        ["aftsweep"] = InformationalVersion(typeof(LibraryVersions).Assembly),
        ["trials"] = Contracts.CodeVersion.Trials,
        ["extractor"] = Contracts.CodeVersion.Extractor,
        ["dotnet"] = Environment.Version.ToString(),
    };

    private static string InformationalVersion(Assembly assembly)
    {
        var info = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        // Strip the "+commit" suffix the SDK appends: the version is what identifies a release.
        if (info is not null) return info.Split('+')[0];
        return assembly.GetName().Version?.ToString() ?? "unknown";
    }
}
