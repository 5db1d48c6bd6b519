using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Bert;

/// <summary>
/// transformers' BertSelfAttention (absolute positions): query, key and value projections, softmax(Q K^T /
/// sqrt(d)) V per head through libtorch's scaled_dot_product_attention, keys masked where the mask is false.
/// </summary>
public sealed class BertSelfAttention : nn.Module
{
    [ComponentName(Name = "query")]
    private readonly Linear _query;
    [ComponentName(Name = "key")]
    private readonly Linear _key;
    [ComponentName(Name = "value")]
    private readonly Linear _value;
    private readonly long _heads, _headDim, _hidden;
    private readonly double _dropout;

    public BertSelfAttention(BertConfig config, double dropout) : base(nameof(BertSelfAttention))
    {
        _hidden = config.HiddenSize;
        _heads = config.NumAttentionHeads;
        _headDim = config.HeadDim;
        _dropout = dropout;
        _query = nn.Linear(_hidden, _hidden);
        _key = nn.Linear(_hidden, _hidden);
        _value = nn.Linear(_hidden, _hidden);
        RegisterComponents();
    }

    /// <summary>(B, L, H) and a key mask (B, 1, 1, L), true = attend, to the attention context (B, L, H).</summary>
    public Tensor forward(Tensor h, Tensor keys)
    {
        long batch = h.shape[0], length = h.shape[1];
        var q = Heads(_query.call(h), batch, length);                  // (B, heads, L, d)
        var k = Heads(_key.call(h), batch, length);
        var v = Heads(_value.call(h), batch, length);
        var context = nn.functional.scaled_dot_product_attention(q, k, v, keys, training ? _dropout : 0); // (B, heads, L, d)
        return context.transpose(1, 2).reshape(batch, length, _hidden);
    }

    private Tensor Heads(Tensor x, long batch, long length) => x.view(batch, length, _heads, _headDim).transpose(1, 2);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _query.Dispose();
            _key.Dispose();
            _value.Dispose();
        }
        base.Dispose(disposing);
    }
}
