using System.Text.RegularExpressions;

namespace AftSweep.Tests.Architecture;

/// <summary>
/// The import graph between one project's components, read from its source text: a component is a top-level
/// namespace under the project's root (AftSweep.Transfer.Features; its sub-namespaces such as Teachers.Onnx fold into
/// it, being the component's internals). An edge A -> B is a file of A that imports B (<c>using</c>, <c>using static</c>,
/// alias), names it fully qualified, or, for the root namespace, uses one of its types (visible without a using).
/// Comments and string literals are ignored.
/// </summary>
public sealed partial class NamespaceGraph
{
    private readonly string _root;
    private readonly Dictionary<string, SortedDictionary<string, List<string>>> _edges = new(StringComparer.Ordinal);

    private NamespaceGraph(string root) => _root = root;

    public IReadOnlyCollection<string> Components => _edges.Keys;

    /// <summary>Every .cs file under the folder (bin and obj left out).</summary>
    public static NamespaceGraph FromFolder(string folder, string rootNamespace)
    {
        var files = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Select(f => (Path.GetRelativePath(folder, f), File.ReadAllText(f)));
        return FromSources(files, rootNamespace);
    }

    public static NamespaceGraph FromSources(IEnumerable<(string Path, string Text)> sources, string rootNamespace)
    {
        var graph = new NamespaceGraph(rootNamespace);
        var files = sources.Select(s => (s.Path, Code: StripCommentsAndStrings(s.Text))).ToList();
        var parsed = files
            .Select(f => (f.Path, f.Code, Namespace: NamespaceDeclaration().Match(f.Code) is { Success: true } m ? m.Groups[1].Value : null))
            .Where(f => f.Namespace is not null && (f.Namespace == rootNamespace || f.Namespace.StartsWith(rootNamespace + ".", StringComparison.Ordinal)))
            .ToList();
        foreach (var file in parsed) graph.Node(graph.ComponentOf(file.Namespace!));
        var rootTypes = parsed.Where(f => f.Namespace == rootNamespace)
            .SelectMany(f => TypeDeclaration().Matches(f.Code).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);

        foreach (var (path, code, ns) in parsed)
        {
            var from = graph.ComponentOf(ns!);
            foreach (Match m in UsingDirective().Matches(code)) graph.AddEdge(from, m.Groups[1].Value, path, $"using {m.Groups[1].Value}");
            var body = UsingDirective().Replace(code, "");
            foreach (Match m in QualifiedName().Matches(body))
            {
                if (m.Value.StartsWith(rootNamespace + ".", StringComparison.Ordinal)) graph.AddEdge(from, m.Value, path, m.Value);
            }
            if (from != rootNamespace && rootTypes.FirstOrDefault(t => Regex.IsMatch(body, $@"(?<![\w.]){t}\b")) is { } rootType)
                graph.AddEdge(from, rootNamespace, path, rootType);
        }
        return graph;
    }

    /// <summary>One cycle between components, as "A -> B -> A" with the file and import behind each edge; null when there is none.</summary>
    public string? FindCycle()
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on the stack, 2 done
        var stack = new List<string>();
        foreach (var start in _edges.Keys.Order(StringComparer.Ordinal))
        {
            if (Visit(start, state, stack) is { } cycle) return Describe(cycle);
        }
        return null;
    }

    private List<string>? Visit(string node, Dictionary<string, int> state, List<string> stack)
    {
        if (state.TryGetValue(node, out var s))
            return s == 1 ? [.. stack.Skip(stack.IndexOf(node)), node] : null;
        state[node] = 1;
        stack.Add(node);
        foreach (var next in _edges[node].Keys)
        {
            if (Visit(next, state, stack) is { } cycle) return cycle;
        }
        stack.RemoveAt(stack.Count - 1);
        state[node] = 2;
        return null;
    }

    private string Describe(List<string> cycle)
    {
        var steps = cycle.Zip(cycle.Skip(1), (a, b) => $"  {Short(a)} -> {Short(b)}: {string.Join("; ", _edges[a][b].Take(3))}");
        return string.Join(" -> ", cycle.Select(Short)) + Environment.NewLine + string.Join(Environment.NewLine, steps);
    }

    private string Short(string component) => component == _root ? _root : component[(_root.Length + 1)..];

    private string ComponentOf(string ns)
    {
        if (ns == _root) return ns;
        var rest = ns[(_root.Length + 1)..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return _root + "." + (dot < 0 ? rest : rest[..dot]);
    }

    private void Node(string component)
    {
        if (!_edges.ContainsKey(component)) _edges[component] = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
    }

    /// <summary>An edge to a name inside the project: the longest known component it starts with (type names after it are ignored).</summary>
    private void AddEdge(string from, string name, string path, string evidence)
    {
        if (name != _root && !name.StartsWith(_root + ".", StringComparison.Ordinal)) return;
        var to = _edges.Keys.Where(c => name == c || name.StartsWith(c + ".", StringComparison.Ordinal)).MaxBy(c => c.Length);
        if (to is null || to == from) return;
        if (to == _root && name != _root) return; // a name under the root that is no component: a type of the root, e.g. AftSweep.Transfer.LibraryVersions
        var reasons = _edges[from].TryGetValue(to, out var list) ? list : _edges[from][to] = [];
        var reason = $"{path} ({evidence})";
        if (!reasons.Contains(reason)) reasons.Add(reason);
    }

    private static string StripCommentsAndStrings(string text) =>
        CommentOrString().Replace(text, m => m.Value.StartsWith('/') ? (m.Value.StartsWith("//", StringComparison.Ordinal) ? "" : " ") : "\"\"");

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|@""(?:""""|[^""])*""|""""""[\s\S]*?""""""|""(?:\\.|[^""\\\n])*""|'(?:\\.|[^'\\\n])+'", RegexOptions.Singleline)]
    private static partial Regex CommentOrString();

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?([\w.]+)(?:<[^;]*>)?\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"\b[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"^\s*(?:(?:public|internal|static|sealed|abstract|readonly|partial|file)\s+)*(?:class|record|interface|struct|enum)\s+(\w+)", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();
}
