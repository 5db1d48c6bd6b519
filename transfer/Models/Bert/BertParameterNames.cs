namespace AftSweep.Transfer.Models.Bert;

/// <summary>
/// The tensors of a Hugging Face <c>BertModel</c> state dict for a config, with their shapes: what a checkpoint in
/// that layout holds (Linear weights [out, in]). The pooler (<c>pooler.dense.*</c>) is optional in checkpoints
/// and absent from <see cref="BertStudent"/>, whose features are the token outputs pooled by cls or mean.
/// </summary>
public static class BertParameterNames
{
    public const string PoolerPrefix = "pooler.";

    public static IReadOnlyDictionary<string, long[]> Expected(BertConfig config, bool withPooler)
    {
        ArgumentNullException.ThrowIfNull(config);
        long h = config.HiddenSize, ffn = config.IntermediateSize;
        var names = new Dictionary<string, long[]>(StringComparer.Ordinal)
        {
            ["embeddings.word_embeddings.weight"] = [config.VocabSize, h],
            ["embeddings.position_embeddings.weight"] = [config.MaxPositionEmbeddings, h],
            ["embeddings.token_type_embeddings.weight"] = [config.TypeVocabSize, h],
            ["embeddings.LayerNorm.weight"] = [h],
            ["embeddings.LayerNorm.bias"] = [h],
        };
        for (var i = 0; i < config.NumHiddenLayers; i++)
        {
            var layer = $"encoder.layer.{i}.";
            foreach (var linear in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense" })
            {
                names[layer + linear + ".weight"] = [h, h];
                names[layer + linear + ".bias"] = [h];
            }
            names[layer + "attention.output.LayerNorm.weight"] = [h];
            names[layer + "attention.output.LayerNorm.bias"] = [h];
            names[layer + "intermediate.dense.weight"] = [ffn, h];
            names[layer + "intermediate.dense.bias"] = [ffn];
            names[layer + "output.dense.weight"] = [h, ffn];
            names[layer + "output.dense.bias"] = [h];
            names[layer + "output.LayerNorm.weight"] = [h];
            names[layer + "output.LayerNorm.bias"] = [h];
        }
        if (withPooler)
        {
            names["pooler.dense.weight"] = [h, h];
            names["pooler.dense.bias"] = [h];
        }
        return names;
    }
}
