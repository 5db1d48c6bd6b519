using System.Globalization;
using AftSweep.Transfer.Models.Bert;
using AftSweep.Transfer.Models.Checkpoints;

namespace AftSweep.Transfer.Models.Architectures;

/// <summary>
/// <c>bert</c>: Hugging Face BertModel (BERT-Small, MiniLM, Arctic-XS, ...). The config is Hugging Face's
/// config.json (beside the checkpoint, the offline source's, or the grid's); <c>layers</c> picks a subset of the
/// checkpoint's encoder layers (the student's layer j is checkpoint layer layers[j], as DistilBERT is initialised);
/// <c>pooling</c> cls (default) or mean. Options: <c>maxLength</c> (default 128), <c>dropout</c> (default 0).
/// Names: a <c>bert.</c> prefix (BertFor* checkpoints) is stripped; the pooler and pre-training heads are ignored.
/// </summary>
public sealed class BertArchitecture() : StudentArchitecture(Contracts.Grid.DownstreamModels.Bert)
{
    public override StudentBlueprint Blueprint(StudentRequest request)
    {
        Require(request, InputKind.Tokens);
        var source = request.Config.Source;
        if (request.Checkpoint?.ConfigJson is not { } json)
            throw new CheckpointException(source, "bert needs its config: a config.json next to the checkpoint, an offline source, or downstream.config");
        BertConfig config;
        try
        {
            config = BertConfig.Parse(json, source);
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointException(source, e.Message);
        }
        if (request.Spec.Layers is { } layers) config = config with { NumHiddenLayers = layers.Count };
        var tokenizer = StudentTokenizer.For(request.Checkpoint);
        if (tokenizer.VocabularySize > config.VocabSize)
            throw new CheckpointException(source, $"the vocabulary has {tokenizer.VocabularySize} tokens but the config's vocab_size is {config.VocabSize}");
        var pooling = request.Spec.Pooling switch
        {
            null or "cls" => BertPooling.Cls,
            "mean" => BertPooling.Mean,
            var other => throw new ArgumentException($"downstream.pooling '{other}' is not cls or mean"),
        };
        var dropout = request.Options.Double("dropout", 0, 0, 0.99);
        var maxLength = StudentTokenizer.MaxLength(request.Options, config.MaxPositionEmbeddings);
        return new StudentBlueprint
        {
            Construct = () => new BertStudent(config, request.NumClasses, pooling, tokenizer.PadId, dropout),
            Input = new TextStudentInput(tokenizer, maxLength),
            Names = new CheckpointNameTable
            {
                Prefixes = ["bert.", "module."],
                Ignored = ["pooler.", "cls.", "embeddings.position_ids"],
                LayerFormat = "encoder.layer.{0}.",
            },
            Layers = request.Spec.Layers,
            Summary = string.Create(CultureInfo.InvariantCulture,
                $"bert ({config.NumHiddenLayers} layers{(request.Spec.Layers is { } l ? $" [{string.Join(", ", l)}] of the checkpoint's" : "")}, hidden {config.HiddenSize}, {config.NumAttentionHeads} heads, {pooling.ToString().ToLowerInvariant()} pooling, max {maxLength} tokens)"),
        };
    }
}
