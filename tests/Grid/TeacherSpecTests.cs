using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Protocol;

namespace AftSweep.Tests.Grid;

/// <summary>One grammar for teacher specs: every form parses, prints canonically and parses back to the same spec.</summary>
public sealed class TeacherSpecTests
{
    [Theory]
    [InlineData("onnx:minilm", "onnx:minilm")]
    [InlineData("onnx-file:models/m.onnx?input=image&output=pool", "onnx-file:/grids/models/m.onnx?input=image&output=pool")]
    [InlineData("onnx-file:m.onnx?output=h&input=text&maxLength=64", "onnx-file:/grids/m.onnx?input=text&output=h&maxLength=64")]
    [InlineData("onnx-file:m.onnx?input=text&output=a%26b", "onnx-file:/grids/m.onnx?input=text&output=a%26b")]
    [InlineData("onnx-file:m.onnx?input=text&output=out:0", "onnx-file:/grids/m.onnx?input=text&output=out:0")]
    [InlineData("features:feats", "features:/grids/feats")]
    [InlineData("noise:384", "noise:384")]
    [InlineData("noise:384?seed=5", "noise:384?seed=5")]
    [InlineData("noise:384?seed=-5", "noise:384?seed=-5")]
    [InlineData("noise:384?seed=0", "noise:384")]
    public void Parse_PrintsCanonically_AndRoundTrips(string spec, string canonical)
    {
        var parsed = TeacherSpec.Parse(spec, "/grids");

        Assert.Equal(canonical, parsed.ToString());
        Assert.Equal(parsed, TeacherSpec.Parse(parsed.ToString(), "/elsewhere"));
    }

    [Fact]
    public void Noise_WithSeed_IsNoiseOfItsWidth()
    {
        var parsed = TeacherSpec.Parse("noise:16?seed=3", "/");

        Assert.Equal((TeacherKind.Noise, 16, 3L), (parsed.Kind, parsed.Dim, parsed.Seed));
        Assert.True(NoiseTeacher.TryParseWidth("noise:16?seed=3", out var width));
        Assert.Equal(16, width);
        Assert.Null(parsed.RequiredKind);
    }

    [Theory]
    [InlineData("noise:8?sead=1", "noise teacher must be noise:D or noise:D?seed=S")]
    [InlineData("noise:8?seed=x", "noise teacher must be noise:D or noise:D?seed=S")]
    [InlineData("noise:0?seed=1", "noise teacher must be noise:D with D an integer from 1 to 1000000")]
    [InlineData("onnx-file:m.onnx?input=text&output=x&maxLength=1", "onnx-file maxLength '1' must be an integer of at least 2")]
    [InlineData("onnx-file:m.onnx?input=image&output=x&maxLength=64", "maxLength applies to text models only")]
    [InlineData("onnx-file:m.onnx?input=text&output=x&output=y", "onnx-file query key 'output' is given twice")]
    public void Parse_Malformed_SaysWhatIsWrong(string spec, string expected)
    {
        Assert.False(TeacherSpec.TryParse(spec, "/", out _, out var error));
        Assert.Contains(expected, error);
        Assert.Contains(expected, Assert.Throws<FormatException>(() => TeacherSpec.Parse(spec, "/")).Message);
    }
}
