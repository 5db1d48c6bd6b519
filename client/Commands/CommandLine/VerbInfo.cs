using System.Reflection;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.CommandLine;

/// <summary>One verb: its path ("features ls") and the options its settings type declares.</summary>
public sealed class VerbInfo
{
    public VerbInfo(string path, Type settings)
    {
        Path = path;
        Settings = settings;
        Options = settings.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<CommandOptionAttribute>()))
            .Where(x => x.Attribute is not null && !x.Attribute.IsHidden)
            .Select(x => new VerbOption(x.Attribute!.LongNames.ToList(), x.Attribute.ShortNames.ToList(), x.Attribute.ValueName, x.Property.PropertyType))
            .ToList();
    }

    public string Path { get; }
    public Type Settings { get; }
    public IReadOnlyList<VerbOption> Options { get; }

    /// <summary>Every spelling of every option, as typed ("--slots", "-h").</summary>
    public IEnumerable<string> Spellings => Options.SelectMany(o => o.Spellings);

    public VerbOption? Find(string spelling) => Options.FirstOrDefault(o => o.Spellings.Contains(spelling, StringComparer.Ordinal));
}

/// <summary>An option: its names, the value it takes (null for a flag) and the property type the value converts to.</summary>
public sealed record VerbOption(IReadOnlyList<string> LongNames, IReadOnlyList<string> ShortNames, string? ValueName, Type Type)
{
    public IEnumerable<string> Spellings => LongNames.Select(n => "--" + n).Concat(ShortNames.Select(n => "-" + n));

    public string Name => Spellings.First();

    /// <summary>A flag (<c>--json</c>): a bool option without a value placeholder.</summary>
    public bool IsFlag => ValueName is null;
}
