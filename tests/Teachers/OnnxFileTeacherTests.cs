using AftSweep.Tests.Data;
using AftSweep.Transfer.Bundled;
using AftSweep.Transfer.Data;
using AftSweep.Transfer.Teachers;

namespace AftSweep.Tests.Teachers;

public sealed class OnnxFileTeacherTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task ImageModel_4dOutput_IsFlattenedPerImage()
    {
        var spec = $"onnx-file:{BundledModels.ResNet18Model}?input=image&output=Pooling395_Output_0";
        using var teacher = new TeacherFactory(new TeacherOptions { ImageWorkers = 1 }).Create(spec, ".");

        var f = await teacher.ExtractAsync(TeacherTestData.Cifar8(), SplitName.Test, 4, 2, null, CancellationToken.None);

        Assert.Equal((2, 512), (f.Rows, f.Dim));
        Assert.All(f.Data, v => Assert.True(float.IsFinite(v) && v >= 0));
        Assert.False(f.Data.AsSpan(0, 512).SequenceEqual(f.Data.AsSpan(512, 512)));
    }

    [Fact]
    public async Task TextModel_MeanPooledLastHiddenState_MatchesMiniLmTeacherUpToNormalisation()
    {
        // A "user export": the MiniLM ONNX graph written out as a plain file, relative to the grid folder.
        _files.Write("models/minilm.onnx", BundledModels.MiniLm.ReadModel());
        var factory = new TeacherFactory(new TeacherOptions { TextWorkers = 1 });
        using var file = factory.Create("onnx-file:models/minilm.onnx?input=text&output=last_hidden_state", _files.Root);
        using var minilm = factory.Create("onnx:minilm", ".");
        var data = TeacherTestData.Sentences("A quiet lake at dawn.", "Quarterly revenue rose by four percent.");

        var raw = await file.ExtractAsync(data, SplitName.Train, 0, 2, null, CancellationToken.None);
        var normalised = await minilm.ExtractAsync(data, SplitName.Train, 0, 2, null, CancellationToken.None);

        Assert.Equal(384, file.Dim);
        for (var r = 0; r < 2; r++)
            Assert.True(TeacherTestData.Cosine(raw.Data.AsSpan(r * 384, 384), normalised.Data.AsSpan(r * 384, 384)) > 0.9999f);
    }

    [Fact]
    public void FileThatIsNotOnnx_IsAClearError()
    {
        var path = _files.Write("model.onnx", "this is a text file, not a protobuf graph");

        var e = Assert.Throws<TeacherException>(() => new TeacherFactory().Create($"onnx-file:{path}?input=image&output=x", "."));

        Assert.Contains($"{path} is not a loadable ONNX model", e.Message);
    }

    [Fact]
    public void UnknownOutputName_ListsTheModelsOutputs()
    {
        var e = Assert.Throws<TeacherException>(() =>
            new TeacherFactory().Create($"onnx-file:{BundledModels.ResNet18Model}?input=image&output=logits", "."));

        Assert.Contains("has no output 'logits' (it has Pooling395_Output_0)", e.Message);
    }

    [Theory]
    [InlineData("onnx-file:model.onnx", "onnx-file teacher needs a path and a query: onnx-file:PATH?input=image|text&output=NAME")]
    [InlineData("onnx-file:model.onnx?input=audio&output=x", "onnx-file input must be 'image' or 'text' (got 'audio')")]
    [InlineData("onnx-file:model.onnx?input=text", "onnx-file teacher needs both input and output")]
    [InlineData("onnx-file:model.onnx?input=text&output=x&pool=max", "onnx-file query has an unknown key 'pool'")]
    public void MalformedSpec_SaysWhatWasExpected(string spec, string expected)
    {
        var e = Assert.Throws<TeacherException>(() => new TeacherFactory().Create(spec, _files.Root));

        Assert.Contains(expected, e.Message);
        Assert.Equal(spec, e.Spec);
    }

    [Fact]
    public void MissingModelFile_NamesTheFile()
    {
        var e = Assert.Throws<TeacherException>(() => new TeacherFactory().Create("onnx-file:missing.onnx?input=text&output=x", _files.Root));

        Assert.Contains($"{Path.Combine(Path.GetFullPath(_files.Root), "missing.onnx")} not found", e.Message);
    }
}
