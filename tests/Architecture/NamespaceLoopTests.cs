using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.Architecture;

/// <summary>
/// Dependencies between the components of transfer and of contracts point one way (docs/architecture.md): shared types
/// (the feature matrix, the artifact cache contract, numerics, the bundled model catalogue, canonical JSON) sit below
/// everything that uses them. A loop fails with the components and the imports that close it.
/// </summary>
public sealed class NamespaceLoopTests
{
    [Theory]
    [InlineData("transfer", "AftSweep.Transfer")]
    [InlineData("contracts", "AftSweep.Contracts")]
    public void Project_ComponentImports_HaveNoCycle(string folder, string rootNamespace)
    {
        var graph = NamespaceGraph.FromFolder(Path.Combine(RepositoryRoot.Find(), folder), rootNamespace);

        Assert.True(graph.Components.Count > 5, $"{folder}: only {graph.Components.Count} components found; is the scan reading the sources?");
        var cycle = graph.FindCycle();
        Assert.True(cycle is null, $"{folder} has a namespace import loop: {cycle}");
    }

    [Fact]
    public void FindCycle_UsingLoopThroughThreeComponents_NamesEveryStepAndTheFile()
    {
        var graph = NamespaceGraph.FromSources(
        [
            ("Features/Store.cs", "using X.Teachers;\nnamespace X.Features;\npublic sealed class Store;"),
            ("Teachers/Teacher.cs", "using X.Numerics;\nnamespace X.Teachers;\npublic sealed class Teacher;"),
            ("Numerics/Matrix.cs", "namespace X.Numerics;\npublic sealed class Matrix { X.Features.Store? S; }"),
        ], "X");

        var cycle = graph.FindCycle();

        Assert.NotNull(cycle);
        Assert.StartsWith("Features -> Teachers -> Numerics -> Features", cycle);
        Assert.Contains("Numerics/Matrix.cs (X.Features.Store)", cycle);
        Assert.Contains("Features/Store.cs (using X.Teachers)", cycle);
    }

    [Fact]
    public void FindCycle_SubNamespaceImportsItsParent_IsNoLoop()
    {
        // Teachers.Onnx is part of the Teachers component: its imports of Teachers are internal.
        var graph = NamespaceGraph.FromSources(
        [
            ("Teachers/Teacher.cs", "using X.Teachers.Onnx;\nnamespace X.Teachers;\npublic sealed class Teacher;"),
            ("Teachers/Onnx/Encoder.cs", "using X.Teachers;\nusing X.Text;\nnamespace X.Teachers.Onnx;\npublic sealed class Encoder;"),
            ("Text/Tokenizer.cs", "namespace X.Text;\n// using X.Teachers; in a comment is no import\npublic sealed class Tokenizer { string s = \"X.Teachers.Teacher\"; }"),
        ], "X");

        Assert.Equal(["X.Teachers", "X.Text"], graph.Components.Order(StringComparer.Ordinal));
        Assert.Null(graph.FindCycle());
    }

    [Fact]
    public void FindCycle_RootTypeUsedByAComponentThatTheRootImports_IsALoop()
    {
        var graph = NamespaceGraph.FromSources(
        [
            ("Version.cs", "using X.Grid;\nnamespace X;\npublic static class Version { static GridSpec? G; }"),
            ("Grid/GridSpec.cs", "namespace X.Grid;\npublic sealed class GridSpec { string V = Version.ToString(); }"),
        ], "X");

        Assert.StartsWith("X -> Grid -> X", graph.FindCycle());
    }
}
