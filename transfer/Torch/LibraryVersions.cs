using System.Reflection;
using TorchSharp;

namespace AftSweep.Transfer.Torch;

/// <summary>The library versions a trial result records ("TorchSharp", "libtorch", "aftsweep").</summary>
public static class LibraryVersions
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Cached = new(Collect);

    public static IReadOnlyDictionary<string, string> Current => Cached.Value;

    private static IReadOnlyDictionary<string, string> Collect() => new Dictionary<string, string>
    {
        ["TorchSharp"] = InformationalVersion(typeof(torch).Assembly),
        ["libtorch"] = torch.__version__,
        ["aftsweep"] = InformationalVersion(typeof(LibraryVersions).Assembly),
        ["trials"] = Contracts.CodeVersion.Trials,
    };

    private static string InformationalVersion(Assembly assembly)
    {
        var info = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        // Strip the "+commit" suffix the SDK appends: the version is what identifies a release.
        if (info is not null) return info.Split('+')[0];
        return assembly.GetName().Version?.ToString() ?? "unknown";
    }
}
