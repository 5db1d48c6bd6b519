using System.Text;
using AftSweep.Contracts.Grid.Parsing;
using AftSweep.Infra.Configuration;
using AftSweep.Infra.Orleans;

namespace AftSweep.Silo.Configuration;

/// <summary>
/// `aftsweep-silo`'s command line, checked before anything starts: every argument is a switch of
/// <see cref="SiloSwitches"/> or a --Section:Key the silo binds, with a value of the right type. The configuration
/// provider alone would take any --word as a setting and ignore it.
/// </summary>
public static class SiloCommandLine
{
    public static readonly string[] HelpSpellings = ["--help", "-h", "-?"];
    public const string VersionSpelling = "--version";

    public static bool WantsHelp(IReadOnlyList<string> args) => args.Any(a => HelpSpellings.Contains(a, StringComparer.Ordinal));

    public static bool WantsVersion(IReadOnlyList<string> args) => args.Contains(VersionSpelling, StringComparer.Ordinal);

    /// <summary>The switch mappings for the configuration provider (switch name -> key).</summary>
    public static IDictionary<string, string> SwitchMappings() =>
        SiloSwitches.All.ToDictionary(s => s.Name, s => s.Key, StringComparer.OrdinalIgnoreCase);

    /// <exception cref="SiloConfigurationException">The first argument that is not a known setting with a valid value.</exception>
    public static void Check(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-'))
                throw new SiloConfigurationException($"'{arg}': unexpected argument; settings are --switch VALUE or --Section:Key=VALUE (aftsweep-silo --help)");
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[..equals] : arg;
            var inline = equals > 0 ? arg[(equals + 1)..] : null;
            if (SiloSwitches.Renamed.TryGetValue(name, out var renamed))
                throw new SiloConfigurationException($"{name}: renamed to {renamed} (the same name the aftsweep client uses)");
            var key = SiloSwitches.Find(name)?.Key ?? name.TrimStart('-').Replace("__", ":", StringComparison.Ordinal);
            if (!SiloConfigurationKeys.IsPassThrough(key) && SiloConfigurationKeys.TypeOf(key) is null) throw Unknown(name);
            var value = inline;
            if (value is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    throw new SiloConfigurationException($"{name}: needs a value ({SiloSwitches.Find(name)?.ValueName ?? "VALUE"})");
                value = args[++i];
            }
            CheckValue(name, key, value);
        }
    }

    /// <summary>A value for a known key: of the key's type, and for the feature store not a state-store mode.</summary>
    public static void CheckValue(string shownAs, string key, string value)
    {
        if (SiloConfigurationKeys.TypeOf(key) is { } type && ValueConversion.Problem(value, type) is { } problem)
            throw new SiloConfigurationException($"{shownAs}: '{value}' {problem}");
        if (string.Equals(key, SiloSwitches.Find("--store")!.Key, StringComparison.OrdinalIgnoreCase)
            && Enum.GetNames<StoreMode>().Contains(value.Trim(), StringComparer.OrdinalIgnoreCase))
            throw new SiloConfigurationException(
                $"{shownAs}: '{value}' names a state store, but --store is the feature store (a folder, or azure:ENV_VAR / azure:CONNECTION-STRING); " +
                "the state store is --state-store");
    }

    public static string Help()
    {
        var text = new StringBuilder();
        text.AppendLine("aftsweep-silo: an AftSweep silo (Orleans silo, worker slots, /metrics and /healthz).");
        text.AppendLine();
        text.AppendLine("Usage: aftsweep-silo [--switch VALUE ...] [--Section:Key=VALUE ...]");
        text.AppendLine();
        text.AppendLine("Switches:");
        var width = SiloSwitches.All.Max(s => s.Name.Length + s.ValueName.Length) + 3;
        foreach (var s in SiloSwitches.All)
            text.AppendLine($"  {($"{s.Name} {s.ValueName}").PadRight(width)}{s.Description}");
        text.AppendLine($"  {"--help".PadRight(width)}Print this help and exit.");
        text.AppendLine($"  {"--version".PadRight(width)}Print the version and exit.");
        text.AppendLine();
        text.AppendLine("Every setting can also be given as --Section:Key=VALUE, as the environment variable Section__Key, or in");
        text.AppendLine("appsettings.json (command line first, then environment, then the file). The settings (docs/cluster.md):");
        foreach (var group in SiloConfigurationKeys.All.Keys.Order(StringComparer.Ordinal).GroupBy(k => k.Split(':')[0]))
            text.AppendLine($"  {string.Join(", ", group)}");
        text.AppendLine("The feature store falls back to $AFTSWEEP_STORAGE. Exit codes: 0 stopped, 2 bad configuration or no cluster to join.");
        return text.ToString();
    }

    private static SiloConfigurationException Unknown(string name)
    {
        var bare = name.TrimStart('-');
        var candidates = SiloSwitches.All.Select(s => s.Name[2..]).Concat(SiloConfigurationKeys.All.Keys).ToList();
        var close = Suggest.Closest(bare, candidates);
        var hint = close is null ? "see aftsweep-silo --help" : $"did you mean '{(close.Contains(':') ? "--" + close : "--" + close)}'?";
        return new SiloConfigurationException($"{name}: not a setting of aftsweep-silo; {hint}");
    }
}
