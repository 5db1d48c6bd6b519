using System.Text.Json;
using AftSweep.Contracts.Grid;
using Json.Schema;

namespace AftSweep.Tests.Grid;

/// <summary>The shipped JSON Schema agrees with the parser on the examples and on shape errors it can see.</summary>
public sealed class GridSchemaTests
{
    private static EvaluationResults Evaluate(string json)
    {
        using var document = JsonDocument.Parse(json);
        return GridSchema.Schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    public static TheoryData<string> Examples => new(TestPaths.ExampleGrids.Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Examples))]
    public void Schema_Example_IsAccepted(string file)
    {
        var results = Evaluate(File.ReadAllText(Path.Combine(TestPaths.Examples, file)));

        Assert.True(results.IsValid, file);
    }

    [Fact]
    public void Schema_TestGrid_IsAccepted()
    {
        Assert.True(Evaluate(File.ReadAllText(Path.Combine(TestPaths.Grids, "good", "tiny-text.json"))).IsValid);
    }

    [Theory]
    [InlineData("noise:384?seed=7", true)]
    [InlineData("noise:384?seed=-7", true)]
    [InlineData("noise:384?sead=7", false)]
    [InlineData("onnx-file:m.onnx?output=h&input=text&maxLength=64", true)]
    [InlineData("onnx-file:m.onnx?input=text&maxLength=64", false)]
    [InlineData("onnx-file:m.onnx?input=audio&output=h", false)]
    public void Schema_TeacherSpec_AgreesWithTheParser(string spec, bool valid)
    {
        var grid = JsonSerializer.Deserialize<System.Text.Json.Nodes.JsonObject>(File.ReadAllText(Path.Combine(TestPaths.Grids, "good", "tiny-text.json")))!;
        var teachers = grid["teachers"]!.AsObject();
        var name = teachers.First().Key;
        teachers[name] = spec;

        Assert.Equal(valid, Evaluate(grid.ToJsonString()).IsValid);
        Assert.Equal(valid, TeacherSpec.TryParse(spec, "/", out _, out _));
    }

    [Theory]
    [InlineData("unknown-field")]
    [InlineData("unknown-field-nested")]
    [InlineData("missing-required")]
    [InlineData("wrong-type-steps")]
    [InlineData("unknown-method")]
    [InlineData("lambdas-missing")]
    [InlineData("lambdas-empty")]
    [InlineData("lambdas-nonpositive")]
    [InlineData("lambdas-on-stl")]
    [InlineData("combo-empty")]
    [InlineData("combo-same-teacher-twice")]
    [InlineData("seeds-duplicate")]
    [InlineData("seed-negative")]
    [InlineData("steps-zero")]
    [InlineData("batchsize-zero")]
    [InlineData("lr-zero")]
    [InlineData("holdout-one")]
    [InlineData("unknown-format")]
    [InlineData("text-columns-missing")]
    [InlineData("format-kind-mismatch")]
    [InlineData("idx-source-shape")]
    [InlineData("teacher-noise-zero")]
    [InlineData("unsafe-grid-name")]
    [InlineData("optimizer-not-adam")]
    [InlineData("device-bad")]
    [InlineData("inner-steps-wrong-method")]
    [InlineData("label-on-image-format")]
    public void Schema_BadGrid_IsRejected(string name)
    {
        var results = Evaluate(File.ReadAllText(Path.Combine(TestPaths.BadGrids, name + ".json")));

        Assert.False(results.IsValid, name);
    }

    [Fact]
    public void SchemaFile_InDocs_IsTheShippedOne()
    {
        var docs = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "grid.schema.json"));

        Assert.Equal(GridSchema.Text.ReplaceLineEndings(), docs.ReplaceLineEndings());
    }
}
