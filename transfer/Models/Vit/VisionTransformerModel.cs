using AftSweep.Transfer.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Vit;

/// <summary>
/// timm's <c>VisionTransformer</c> (timm/models/vision_transformer.py) in its state-dict layout: <c>patch_embed.proj</c>,
/// <c>cls_token</c> (1, 1, D), <c>pos_embed</c> (1, 1 + N, D) covering the class token, <c>blocks.{i}.norm1</c>,
/// <c>blocks.{i}.attn.qkv</c>, <c>blocks.{i}.attn.proj</c>, <c>blocks.{i}.norm2</c>, <c>blocks.{i}.mlp.fc1/fc2</c>, the
/// final <c>norm</c> and the head <c>head</c>. Features: norm(x)[:, 0], the class token (timm's
/// <c>global_pool='token'</c>, no fc_norm), (B, D). The model runs at one resolution, <see cref="ImageSize"/>, so
/// <c>pos_embed</c> holds its (ImageSize / patch)^2 grid; a checkpoint trained at <see cref="VitConfig.ImageSize"/>
/// is brought to it with <see cref="AdaptPositionEmbedding"/>. Random initialisation as timm's default
/// (<c>init_weights_vit_timm</c>): truncated-normal(0.02) Linear weights and pos_embed, zero biases, cls_token
/// normal(1e-6), LayerNorm 1 / 0, PyTorch's default patch conv. Input: float (B, C, ImageSize, ImageSize), normalised.
/// </summary>
public sealed class VisionTransformerModel : DownstreamModel
{
    private readonly PatchEmbed _patchEmbed;
    private readonly Sequential _blocks;
    private readonly LayerNorm _norm;
    private readonly Linear _head;

    /// <param name="imageSize">Input resolution (square); defaults to the config's. Must be a multiple of the patch size.</param>
    public VisionTransformerModel(VitConfig config, int numClasses, int? imageSize = null)
        : base((config ?? throw new ArgumentNullException(nameof(config))).Name)
    {
        config.Validate();
        if (numClasses < 1) throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "the head needs at least one class");
        var size = imageSize ?? config.ImageSize;
        if (size < config.PatchSize || size % config.PatchSize != 0)
            throw new ArgumentException($"{config.Name}: input resolution {size} px is not a positive multiple of the {config.PatchSize}-px patch", nameof(imageSize));
        Config = config;
        ImageSize = size;
        Grid = size / config.PatchSize;

        _patchEmbed = new PatchEmbed(config.InChannels, config.EmbedDim, config.PatchSize);
        register_module("patch_embed", _patchEmbed);
        // Registered by name and read back through get_parameter, so they stay current after to(device or dtype).
        register_parameter("cls_token", new Parameter(zeros(1, 1, config.EmbedDim)));
        register_parameter("pos_embed", new Parameter(zeros(1, 1 + Grid * Grid, config.EmbedDim)));
        // A Sequential named "0".."depth-1", as timm's nn.Sequential: blocks.{i}.* (TorchSharp's ModuleList would
        // also register the blocks' private fields under their C# names).
        _blocks = nn.Sequential(Enumerable.Range(0, config.Depth)
            .Select(i => (i.ToString(System.Globalization.CultureInfo.InvariantCulture), (nn.Module<Tensor, Tensor>)new VitBlock(config))).ToArray());
        register_module("blocks", _blocks);
        _norm = nn.LayerNorm(config.EmbedDim, eps: config.LayerNormEps);
        register_module("norm", _norm);
        _head = nn.Linear(config.EmbedDim, numClasses);
        register_module("head", _head);
        InitialiseLikeTimm();
    }

    public VitConfig Config { get; }

    /// <summary>The input resolution this instance runs at (square, pixels).</summary>
    public int ImageSize { get; }

    /// <summary>Patches per side at <see cref="ImageSize"/>.</summary>
    public int Grid { get; }

    public Parameter ClsToken => get_parameter("cls_token")!;
    public Parameter PosEmbed => get_parameter("pos_embed")!;

    public override int FeatureDim => Config.EmbedDim;
    public override string HeadName => "head";

    public override Tensor Features(Tensor x)
    {
        if (x.ndim != 4 || x.shape[1] != Config.InChannels || x.shape[2] != ImageSize || x.shape[3] != ImageSize)
            throw new ArgumentException(
                $"{Config.Name} runs at {Config.InChannels}x{ImageSize}x{ImageSize}; got input of shape [{string.Join(", ", x.shape)}]", nameof(x));
        using var scope = NewDisposeScope();
        var tokens = _patchEmbed.call(x);                                                 // (B, N, D)
        var h = cat([ClsToken.expand(x.shape[0], -1, -1), tokens], 1).add_(PosEmbed);   // (B, 1 + N, D)
        h = _blocks.call(h);
        // LayerNorm is per token, so normalising only the class token equals timm's norm(x)[:, 0].
        return _norm.call(h.select(1, 0)).MoveToOuterDisposeScope();                     // (B, D)
    }

    public override Tensor Head(Tensor features) => _head.call(features);

    /// <summary>
    /// A checkpoint's <c>pos_embed</c> (1, 1 + n, D) made to fit this model's grid: returned as is (an alias) when it
    /// already does, otherwise resampled as timm's <c>checkpoint_filter_fn</c> does (<see cref="PositionEmbedding.Resample"/>,
    /// bicubic, antialiased, square source grid). The caller owns the result.
    /// </summary>
    public Tensor AdaptPositionEmbedding(Tensor stored, bool antialias = true)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.ndim != 3 || stored.shape[0] != 1 || stored.shape[2] != Config.EmbedDim)
            throw new ArgumentException(
                $"{Config.Name}: pos_embed must have shape [1, tokens, {Config.EmbedDim}], got [{string.Join(", ", stored.shape)}]", nameof(stored));
        return PositionEmbedding.Resample(stored, (Grid, Grid), numPrefixTokens: 1, antialias: antialias);
    }

    private void InitialiseLikeTimm()
    {
        using var noGrad = no_grad();
        TruncatedNormal.Fill_(PosEmbed, std: 0.02);
        nn.init.normal_(ClsToken, std: 1e-6);
        foreach (var (_, module) in named_modules())
        {
            if (module is not Linear linear) continue;
            TruncatedNormal.Fill_(linear.weight, std: 0.02);
            if (linear.bias is not null) nn.init.zeros_(linear.bias);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _patchEmbed.Dispose();
            _blocks.Dispose();
            _norm.Dispose();
            _head.Dispose();
        }
        base.Dispose(disposing);
    }
}
