using AftSweep.Transfer.Models.Bert;

namespace AftSweep.Tests.Models;

public sealed class BertConfigTests
{
    // google/bert_uncased_L-4_H-512_A-8 (BERT-Small), as Hugging Face serves it.
    private const string BertSmall = """
        {
          "hidden_size": 512, "hidden_act": "gelu", "initializer_range": 0.02, "vocab_size": 30522,
          "hidden_dropout_prob": 0.1, "num_attention_heads": 8, "type_vocab_size": 2, "max_position_embeddings": 512,
          "num_hidden_layers": 4, "intermediate_size": 2048, "attention_probs_dropout_prob": 0.1
        }
        """;

    [Fact]
    public void BertSmallConfig_ParsesWithTransformersDefaultsForWhatItOmits()
    {
        var config = BertConfig.Parse(BertSmall, "bert-small/config.json");

        Assert.Equal(new BertConfig(30522, 512, 4, 8, 2048, 512, 2, 1e-12, "gelu", 0, 0.02), config);
        Assert.Equal(64, config.HeadDim);
    }

    [Fact]
    public void ToJson_ParsesBackToTheSameConfig()
    {
        var config = new BertConfig(100, 64, 3, 4, 256, 128, 1, 1e-7, BertConfig.GeluTanh, 1, 0.05);

        Assert.Equal(config, BertConfig.Parse(config.ToJson(), "roundtrip"));
    }

    [Theory]
    [InlineData("""{"vocab_size": 10, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 8}""", "required field 'hidden_size' is missing")]
    [InlineData("""{"vocab_size": 10, "hidden_size": "64", "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 8}""", "'hidden_size' must be a positive integer, got \"64\"")]
    [InlineData("""{"vocab_size": 10, "hidden_size": 64, "num_hidden_layers": 0, "num_attention_heads": 2, "intermediate_size": 8}""", "'num_hidden_layers' must be a positive integer, got 0")]
    [InlineData("""{"vocab_size": 10, "hidden_size": 64, "num_hidden_layers": 1, "num_attention_heads": 6, "intermediate_size": 8}""", "hidden_size 64 is not divisible by num_attention_heads 6")]
    [InlineData("""{"vocab_size": 10, "hidden_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 8, "hidden_act": "swish"}""", "hidden_act 'swish' is not supported")]
    [InlineData("""{"vocab_size": 10, "hidden_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 8, "layer_norm_eps": -1}""", "'layer_norm_eps' must be a positive number, got -1")]
    [InlineData("""{"model_type": "distilbert", "vocab_size": 10, "hidden_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 8}""", "model_type is 'distilbert', expected 'bert'")]
    [InlineData("""{"vocab_size": 10, "hidden_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 8, "position_embedding_type": "relative_key"}""", "position_embedding_type 'relative_key' is not supported")]
    [InlineData("""{"vocab_size": 10, "hidden_size": 64, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 8, "pad_token_id": 10}""", "pad_token_id 10 is outside the vocabulary of 10")]
    [InlineData("""[1, 2]""", "must be a JSON object")]
    [InlineData("""{"vocab_size": 10,""", "is not valid JSON")]
    public void BadConfig_IsAnErrorNamingTheFileAndTheField(string json, string problem)
    {
        var e = Assert.Throws<InvalidDataException>(() => BertConfig.Parse(json, "ckpt/config.json"));

        Assert.Contains("BERT config 'ckpt/config.json'", e.Message);
        Assert.Contains(problem, e.Message);
    }
}
