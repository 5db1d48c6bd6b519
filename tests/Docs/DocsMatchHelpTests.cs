using System.Text.RegularExpressions;
using AftSweep.Client.Commands;
using AftSweep.Silo.Configuration;
using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.Docs;

/// <summary>
/// The README and docs/*.md say what `--help` says: every `aftsweep VERB ... --option` they show is an option that verb
/// has (the catalog the strict command line checks against), and every `aftsweep-silo` switch is documented in
/// docs/cluster.md and every one it shows exists.
/// </summary>
public sealed class DocsMatchHelpTests
{
    private static readonly string Root = RepositoryRoot.Find();
    private static readonly string[] Global = ["--help", "-h", "--version", "--verbose"];

    public static IEnumerable<object[]> Documents() =>
        Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Prepend(Path.Combine(Root, "README.md"))
            .Select(f => new object[] { Path.GetRelativePath(Root, f) });

    [Theory]
    [MemberData(nameof(Documents))]
    public void Document_EveryAftsweepCommandLine_UsesOnlyOptionsItsVerbHas(string document)
    {
        var problems = new List<string>();
        var checkedLines = 0;
        foreach (var (number, line) in CommandLines(document, "aftsweep"))
        {
            checkedLines++;
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
            if (words.Count == 0 || words[0].StartsWith('-')) continue; // aftsweep --help, --version
            var verbs = Verbs(words).ToList();
            if (verbs.Count == 0)
            {
                problems.Add($"{document}:{number}: `{line}`: no verb '{words[0]}'");
                continue;
            }
            foreach (var option in words.Select(w => w.Trim('[', ']', '|', ',', '`')).Where(w => w.StartsWith("--", StringComparison.Ordinal)))
            {
                var name = option.Split('=')[0];
                if (!Global.Contains(name) && !verbs.Any(v => v.Find(name) is not null))
                    problems.Add($"{document}:{number}: `{line}`: {name} is not an option of `aftsweep {string.Join("|", verbs.Select(v => v.Path))}`");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        if (document == "README.md") Assert.True(checkedLines >= 15, $"only {checkedLines} command lines found in the README");
    }

    [Fact]
    public void ClusterDoc_DocumentsEverySiloSwitch_AndShowsNoOtherSwitch()
    {
        var cluster = File.ReadAllText(Path.Combine(Root, "docs", "cluster.md"));
        foreach (var s in SiloSwitches.All) Assert.Contains($"`{s.Name}`", cluster);

        var shown = CommandLines(Path.Combine("docs", "cluster.md"), "dotnet $S")
            .SelectMany(l => l.Line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(w => w.StartsWith("--", StringComparison.Ordinal)).Select(w => w.Split('=')[0]).Distinct().ToList();
        Assert.NotEmpty(shown);
        Assert.All(shown, s => Assert.True(SiloSwitches.Find(s) is not null || SiloConfigurationKeys.TypeOf(s[2..]) is not null, $"docs/cluster.md shows {s}, which aftsweep-silo does not have"));
    }

    /// <summary>The verbs the leading words name; "bench step|features" names several.</summary>
    private static IEnumerable<Client.Commands.CommandLine.VerbInfo> Verbs(IReadOnlyList<string> words)
    {
        if (AftSweepApp.Verbs.Find(words[0]) is { } verb)
        {
            yield return verb;
            yield break;
        }
        if (words.Count < 2) yield break;
        foreach (var sub in words[1].Split('|'))
            if (AftSweepApp.Verbs.Find($"{words[0]} {sub}") is { } branchVerb) yield return branchVerb;
    }

    /// <summary>Lines of fenced code blocks that start with <paramref name="command"/> (a leading "$ " allowed), comments cut.</summary>
    private static IEnumerable<(int Number, string Line)> CommandLines(string document, string command)
    {
        var inCode = false;
        var lines = File.ReadAllLines(Path.Combine(Root, document));
        for (var i = 0; i < lines.Length; i++)
        {
            var text = lines[i].Trim();
            if (text.StartsWith("```", StringComparison.Ordinal))
            {
                inCode = !inCode;
                continue;
            }
            if (!inCode) continue;
            if (text.StartsWith("$ ", StringComparison.Ordinal)) text = text[2..];
            if (!text.StartsWith(command + " ", StringComparison.Ordinal)) continue;
            var comment = Regex.Match(text, @"\s#\s");
            yield return (i + 1, comment.Success ? text[..comment.Index].TrimEnd() : text);
        }
    }
}
