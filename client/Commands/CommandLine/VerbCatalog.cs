using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.CommandLine;

/// <summary>
/// The verbs of `aftsweep` as they are registered with Spectre ("run", "features extract", ...), each with the options
/// its settings type declares. <see cref="AftSweepApp.Configure"/> registers every verb through it, so the strict
/// command-line check and the help the docs are tested against can never miss one.
/// </summary>
public sealed class VerbCatalog
{
    private readonly Dictionary<string, VerbInfo> _verbs = new(StringComparer.Ordinal);

    public IReadOnlyCollection<VerbInfo> Verbs => _verbs.Values;

    public VerbInfo? Find(string path) => _verbs.GetValueOrDefault(path);

    /// <summary>A verb name, or a branch ("features") some verb sits under.</summary>
    public bool IsVerbOrBranch(string path) => _verbs.ContainsKey(path) || _verbs.Keys.Any(k => k.StartsWith(path + " ", StringComparison.Ordinal));

    /// <summary>The words that may follow <paramref name="branch"/> ("" for the top level): verbs and branches.</summary>
    public IEnumerable<string> Children(string branch)
    {
        var prefix = branch.Length == 0 ? "" : branch + " ";
        return _verbs.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k[prefix.Length..].Split(' ')[0]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
    }

    public ICommandConfigurator Add<TCommand>(IConfigurator config, string name) where TCommand : class, ICommand
    {
        Record(name, typeof(TCommand));
        return config.AddCommand<TCommand>(name);
    }

    public ICommandConfigurator Add<TCommand>(IConfigurator<CommandSettings> branch, string branchName, string name) where TCommand : class, ICommandLimiter<CommandSettings>
    {
        Record($"{branchName} {name}", typeof(TCommand));
        return branch.AddCommand<TCommand>(name);
    }

    private void Record(string path, Type command) => _verbs[path] = new VerbInfo(path, SettingsOf(command));

    private static Type SettingsOf(Type command)
    {
        for (var type = command; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericArguments() is [var settings] && typeof(CommandSettings).IsAssignableFrom(settings)) return settings;
        }
        throw new InvalidOperationException($"{command.Name}: not a Command<TSettings> or AsyncCommand<TSettings>");
    }
}
