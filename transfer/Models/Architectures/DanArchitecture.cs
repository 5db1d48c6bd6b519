using AftSweep.Transfer.Models.Checkpoints;

namespace AftSweep.Transfer.Models.Architectures;

/// <summary>
/// <c>dan</c>: from a BERT-family checkpoint it takes the token-embedding table (and the vocabulary), nothing else;
/// from a file saved from a dan it takes everything. Options: <c>hidden</c> (default: the embedding width),
/// <c>depth</c> (default 2), <c>maxLength</c> (default 128); without a checkpoint, <c>embeddingDim</c> (default 384).
/// </summary>
public sealed class DanArchitecture() : StudentArchitecture(Contracts.Grid.DownstreamModels.Dan)
{
    private const string Embedding = "embedding.weight";
    private const string BertEmbedding = "embeddings.word_embeddings.weight";

    public override StudentBlueprint Blueprint(StudentRequest request)
    {
        Require(request, InputKind.Tokens);
        var tokenizer = StudentTokenizer.For(request.Checkpoint);
        var table = request.Checkpoint?.Tensors;
        var stored = table is null ? null : table.GetValueOrDefault(BertEmbedding) ?? table.GetValueOrDefault("bert." + BertEmbedding) ?? table.GetValueOrDefault(Embedding);
        if (table is { Count: > 0 } && stored is null)
            throw new CheckpointException(request.Checkpoint!.Source, $"a dan student takes its token embeddings from '{BertEmbedding}' (BERT layout) or '{Embedding}', and the checkpoint has neither");
        var (vocab, width) = stored is { Shape.Length: 2 } ? ((int)stored.Shape[0], (int)stored.Shape[1]) : (tokenizer.VocabularySize, request.Options.Int("embeddingDim", 384, 1, 65536));
        if (tokenizer.VocabularySize > vocab)
            throw new CheckpointException(request.Checkpoint?.Source ?? "downstream.vocab", $"the vocabulary has {tokenizer.VocabularySize} tokens but the embedding table only {vocab} rows");
        var hidden = request.Options.Int("hidden", width, 1, 65536);
        var depth = request.Options.Int("depth", 2, 1, 16);
        var maxLength = StudentTokenizer.MaxLength(request.Options, 4096);
        return new StudentBlueprint
        {
            Construct = () => new DanModel(vocab, width, hidden, depth, request.NumClasses, tokenizer.PadId),
            Input = new TextStudentInput(tokenizer, maxLength),
            Names = new CheckpointNameTable
            {
                Prefixes = ["bert.", "module."],
                Aliases = new Dictionary<string, IReadOnlyList<string>> { [Embedding] = [BertEmbedding] },
                Optional = ["mlp."],
                // The rest of a BERT checkpoint: a dan keeps only the token embeddings.
                Ignored = ["embeddings.", "encoder.", "pooler.", "cls."],
            },
            Summary = $"dan (embeddings {vocab} x {width}, {depth} x {hidden} MLP, max {maxLength} tokens)",
        };
    }
}
