using System.Reflection;
using System.Xml.Linq;
using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.Architecture;

/// <summary>
/// The project boundaries of docs/architecture.md, checked on the project files and on the built assemblies' references:
/// grains hold coordination only (no transfer, TorchSharp or ONNX Runtime, not even transitively through a project
/// reference), contracts depend on Orleans' serialization attributes only, and transfer compiles without Orleans.
/// </summary>
public sealed class LayeringTests
{
    private static readonly string[] SciencePackages = ["TorchSharp", "libtorch", "Microsoft.ML.OnnxRuntime", "Microsoft.ML.Tokenizers"];

    [Fact]
    public void Grains_ProjectClosure_ReferencesNeitherTransferNorTorchSharpNorOnnxRuntime()
    {
        var closure = ProjectClosure("grains/AftSweep.Grains.csproj");

        Assert.DoesNotContain(closure, p => Path.GetFileName(p) == "AftSweep.Transfer.csproj");
        foreach (var project in closure)
        {
            var packages = PackageReferences(project);
            Assert.False(packages.Any(p => SciencePackages.Any(s => p.StartsWith(s, StringComparison.OrdinalIgnoreCase))),
                $"{Relative(project)} references {string.Join(", ", packages)}: grains must compile without the science");
            Assert.DoesNotContain(Imports(project), i => i.EndsWith("TorchBackend.targets", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Grains_Assembly_DoesNotReferenceTransferTorchSharpOrOnnxRuntime()
    {
        var references = typeof(Grains.GrainsAssembly).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("AftSweep.Contracts", references);
        Assert.DoesNotContain(references, r => r is "AftSweep.Transfer" or "TorchSharp" || r.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal));
    }

    [Fact]
    public void Contracts_Project_ReferencesNoOrleansSdkAndLetsOnlySerializationAttributesFlow()
    {
        var project = XDocument.Load(Path.Combine(RepositoryRoot.Find(), "contracts/AftSweep.Contracts.csproj"));
        var orleans = project.Descendants("PackageReference")
            .Where(p => ((string?)p.Attribute("Include"))!.StartsWith("Microsoft.Orleans", StringComparison.Ordinal))
            .ToList();

        Assert.DoesNotContain(orleans, p => (string?)p.Attribute("Include") is "Microsoft.Orleans.Sdk" or "Microsoft.Orleans.Server" or "Microsoft.Orleans.Client"
            || ((string)p.Attribute("Include")!).StartsWith("Microsoft.Orleans.Core", StringComparison.Ordinal));
        // Whatever else Orleans contracts uses (the serializer that generates its codecs) stays private: only the attributes flow to transfer.
        var flowing = orleans.Where(p => !string.Equals((string?)p.Attribute("PrivateAssets"), "all", StringComparison.OrdinalIgnoreCase))
            .Select(p => (string)p.Attribute("Include")!);
        Assert.Equal(["Microsoft.Orleans.Serialization.Abstractions"], flowing);
    }

    [Fact]
    public void Contracts_Assembly_ReferencesNoOrleansRuntimeOrGrainAbstractions()
    {
        var references = typeof(Contracts.CodeVersion).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, r => r is "Orleans.Core" or "Orleans.Core.Abstractions" or "Orleans.Runtime" or "Orleans.Server");
    }

    [Fact]
    public void Transfer_Assembly_ReferencesNoOrleansAtAll()
    {
        var transfer = typeof(Transfer.LibraryVersions).Assembly;

        Assert.DoesNotContain(transfer.GetReferencedAssemblies(), a => a.Name!.StartsWith("Orleans", StringComparison.Ordinal));
        Assert.DoesNotContain(transfer.GetTypes(), t => t.Namespace?.StartsWith("OrleansCodeGen", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(PackageReferences(Path.Combine(RepositoryRoot.Find(), "transfer/AftSweep.Transfer.csproj")),
            p => p.StartsWith("Microsoft.Orleans", StringComparison.Ordinal));
    }

    /// <summary>The project and every project it references, directly or not.</summary>
    private static List<string> ProjectClosure(string relative)
    {
        var seen = new List<string>();
        var todo = new Stack<string>([Path.GetFullPath(Path.Combine(RepositoryRoot.Find(), relative))]);
        while (todo.TryPop(out var project))
        {
            if (seen.Contains(project)) continue;
            seen.Add(project);
            foreach (var reference in XDocument.Load(project).Descendants("ProjectReference"))
                todo.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, ((string)reference.Attribute("Include")!).Replace('\\', '/'))));
        }
        return seen;
    }

    private static List<string> PackageReferences(string project) =>
        XDocument.Load(project).Descendants("PackageReference").Select(p => (string)p.Attribute("Include")!).ToList();

    private static List<string> Imports(string project) =>
        XDocument.Load(project).Descendants("Import").Select(p => (string)p.Attribute("Project")!).ToList();

    private static string Relative(string project) => Path.GetRelativePath(RepositoryRoot.Find(), project);
}
