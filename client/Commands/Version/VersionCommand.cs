using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.Version;

/// <summary>`aftsweep version [--json]`: the tool, the trial and extractor code versions, and the libraries that compute results.</summary>
public sealed class VersionCommand(CliOutput output) : Command<VersionCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--json")]
        [Description("Machine-readable output.")]
        public bool Json { get; init; }
    }

    /// <summary>The tool's release version (what `aftsweep --version` prints), without the SDK's "+commit" suffix.</summary>
    public static string ToolVersion { get; } =
        (typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
         ?? typeof(VersionCommand).Assembly.GetName().Version?.ToString() ?? "0").Split('+')[0];

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var versions = new SortedDictionary<string, string>(Transfer.LibraryVersions.Current.ToDictionary(), StringComparer.Ordinal)
        {
            ["aftsweep"] = ToolVersion,
            ["orleans"] = Informational(typeof(IGrainFactory).Assembly),
        };
        if (settings.Json)
        {
            output.Out.WriteLine(JsonSerializer.Serialize(versions));
            return ExitCodes.Ok;
        }
        output.Out.WriteLine($"aftsweep {ToolVersion} (trials {Contracts.CodeVersion.Trials}, extractor {Contracts.CodeVersion.Extractor})");
        foreach (var (name, version) in versions.Where(kv => kv.Key is not ("aftsweep" or "trials" or "extractor")))
            output.Out.WriteLine($"  {name,-12} {version}");
        return ExitCodes.Ok;
    }

    // "10.4.2. Commit Hash: ..." (Orleans) or "0.1.0+abc" (SDK): the release number is what identifies a version.
    private static string Informational(Assembly assembly) =>
        System.Text.RegularExpressions.Regex.Match(
            assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString() ?? "unknown",
            @"^[0-9]+(\.[0-9]+)*(-[0-9A-Za-z.]+)?").Value is { Length: > 0 } v ? v : "unknown";
}
