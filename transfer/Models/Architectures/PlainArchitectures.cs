namespace AftSweep.Transfer.Models.Architectures;

// The architectures that existed before checkpoints of other families: their own module names, no config.

/// <summary><c>mlp</c>: flattens images or takes vectors.</summary>
public sealed class MlpArchitecture() : StudentArchitecture(Contracts.Grid.DownstreamModels.Mlp)
{
    public override StudentBlueprint Blueprint(StudentRequest request)
    {
        var data = Require(request, InputKind.Vector, InputKind.Image);
        ForbidForeignConfig(request, Name);
        return new StudentBlueprint
        {
            Construct = () => new MlpModel(data.FlatSize, request.NumClasses),
            Input = data.Kind == InputKind.Image ? new ImageStudentInput(Torch.ImagePreprocessing.Cifar) : VectorStudentInput.Instance,
            Summary = $"mlp ({data.FlatSize} inputs)",
        };
    }
}

/// <summary><c>cnn-small</c>: three convolutions for small images.</summary>
public sealed class CnnSmallArchitecture() : StudentArchitecture(Contracts.Grid.DownstreamModels.CnnSmall)
{
    public override StudentBlueprint Blueprint(StudentRequest request)
    {
        var data = Require(request, InputKind.Image);
        ForbidForeignConfig(request, Name);
        return new StudentBlueprint
        {
            Construct = () => new SmallCnnModel(data.Channels, request.NumClasses),
            Input = new ImageStudentInput(Torch.ImagePreprocessing.Cifar),
            Summary = "cnn-small",
        };
    }
}

/// <summary><c>text-transformer</c>: a 2-layer encoder over MiniLM's vocabulary, trained from scratch.</summary>
public sealed class TextTransformerArchitecture() : StudentArchitecture(Contracts.Grid.DownstreamModels.TextTransformer)
{
    public override StudentBlueprint Blueprint(StudentRequest request)
    {
        Require(request, InputKind.Tokens);
        ForbidForeignConfig(request, Name);
        var tokenizer = StudentTokenizer.For(request.Checkpoint);
        var dropout = request.Options.Double("dropout", 0, 0, 1);
        return new StudentBlueprint
        {
            Construct = () => new TextTransformerModel(tokenizer.VocabularySize, request.NumClasses, tokenizer.PadId, dropout),
            Input = new TextStudentInput(tokenizer, TextTransformerModel.MaxLength),
            Summary = $"text-transformer ({TextTransformerModel.Layers} layers, width {TextTransformerModel.Width})",
        };
    }
}
