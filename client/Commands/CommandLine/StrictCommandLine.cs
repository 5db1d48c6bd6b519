using System.Globalization;
using AftSweep.Contracts.Grid.Parsing;
using AftSweep.Infra.Configuration;

namespace AftSweep.Client.Commands.CommandLine;

/// <summary>
/// Checks a command line against the verb it names before anything runs: an unknown option, an option without its
/// value, or a value of the wrong type is one line naming the option (and the closest valid one), exit 2. Spectre's own
/// parser would pass unknown options through as "remaining arguments" and report a bad value as
/// "Failed to convert 'abc' to Nullable`1".
/// </summary>
public static class StrictCommandLine
{
    private static readonly string[] HelpSpellings = ["-h", "--help", "-?"];

    /// <exception cref="CommandLineException">The first problem found.</exception>
    public static void Check(IReadOnlyList<string> args, VerbCatalog catalog)
    {
        var (verb, next) = FindVerb(args, catalog);
        if (verb is null) return; // no verb (help, version) or an unknown one: Spectre reports it with the verbs it knows
        for (var i = next; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--") return; // everything after is literal
            if (!IsOptionLike(arg) || HelpSpellings.Contains(arg, StringComparer.Ordinal)) continue;
            var (name, inline) = Split(arg, verb);
            var option = verb.Find(name) ?? throw Unknown(name, verb);
            if (option.IsFlag)
            {
                if (inline is not null && !bool.TryParse(inline, out _))
                    throw new CommandLineException($"{name}: is a flag and takes no value (got '{inline}')");
                continue;
            }
            var value = inline;
            if (value is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    throw new CommandLineException($"{name}: needs a value ({option.ValueName}); see `aftsweep {verb.Path} --help`");
                value = args[++i];
            }
            if (ValueConversion.Problem(value, option.Type) is { } problem) throw new CommandLineException($"{name}: '{value}' {problem}");
        }
    }

    /// <summary>The verb the leading words name, and the index of the first argument after it.</summary>
    private static (VerbInfo? Verb, int Next) FindVerb(IReadOnlyList<string> args, VerbCatalog catalog)
    {
        var path = "";
        for (var i = 0; i < args.Count; i++)
        {
            if (IsOptionLike(args[i])) return (null, i);
            var candidate = path.Length == 0 ? args[i] : $"{path} {args[i]}";
            if (catalog.Find(candidate) is { } verb) return (verb, i + 1);
            if (!catalog.IsVerbOrBranch(candidate))
            {
                var known = catalog.Children(path).ToList();
                var hint = Suggest.Closest(args[i], known) is { } close ? $"did you mean '{close}'?" : $"the verbs are {string.Join(", ", known)}";
                throw new CommandLineException($"unknown verb '{(path.Length == 0 ? "" : path + " ")}{args[i]}'; {hint} (aftsweep --help)");
            }
            path = candidate;
        }
        return (null, args.Count);
    }

    private static bool IsOptionLike(string arg) =>
        arg.Length > 1 && arg[0] == '-' && !double.TryParse(arg, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>"--name=value" and "--name:value" (Spectre's forms) give an inline value; a ':' counts only after a known name.</summary>
    private static (string Name, string? Value) Split(string arg, VerbInfo verb)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        if (equals > 0) return (arg[..equals], arg[(equals + 1)..]);
        var colon = arg.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && verb.Find(arg[..colon]) is not null) return (arg[..colon], arg[(colon + 1)..]);
        return (arg, null);
    }

    private static CommandLineException Unknown(string name, VerbInfo verb)
    {
        var spellings = verb.Spellings.Where(s => s.StartsWith("--", StringComparison.Ordinal)).ToList();
        var close = Suggest.Closest(name.TrimStart('-'), spellings.Select(s => s[2..]));
        var hint = close is not null ? $"did you mean '--{close}'?"
            : spellings.Count == 0 ? "it takes no options"
            : $"its options are {string.Join(", ", spellings)}";
        return new CommandLineException($"{name}: not an option of `aftsweep {verb.Path}`; {hint}");
    }
}
