namespace AftSweep.Transfer.Models.Vit;

/// <summary>
/// The shape of a timm <c>VisionTransformer</c> with its defaults (class token, learned absolute position embedding
/// that includes the class token, pre-norm blocks, qkv bias, exact GELU, LayerNorm eps 1e-6, <c>global_pool='token'</c>).
/// <see cref="ImageSize"/> is the resolution the checkpoint's <c>pos_embed</c> was trained at (224 for
/// <c>vit_small_patch16_224</c>); the model may run at another one (<see cref="VisionTransformerModel"/>), its
/// position embedding resampled the way timm does (<see cref="PositionEmbedding.Resample"/>).
/// </summary>
public sealed record VitConfig(string Name, int EmbedDim, int Depth, int NumHeads, double MlpRatio, int PatchSize, int ImageSize)
{
    /// <summary>timm <c>vit_small_patch16_224</c>: 384 wide, 12 blocks, 6 heads, MLP 1536, 16x16 patches, 224 px.</summary>
    public static VitConfig VitS16 { get; } = new("vit-s16", 384, 12, 6, 4.0, 16, 224);

    public int InChannels { get; init; } = 3;

    /// <summary>timm's ViT LayerNorm eps.</summary>
    public double LayerNormEps { get; init; } = 1e-6;

    /// <summary>Hidden width of each block's MLP: timm's <c>int(dim * mlp_ratio)</c> (truncation).</summary>
    public int MlpHidden => (int)(EmbedDim * MlpRatio);

    public void Validate()
    {
        if (EmbedDim < 1 || Depth < 1 || NumHeads < 1 || PatchSize < 1 || ImageSize < 1 || InChannels < 1)
            throw new ArgumentException($"{Name}: embed dim, depth, heads, patch size, image size and channels must be positive");
        if (EmbedDim % NumHeads != 0)
            throw new ArgumentException($"{Name}: embed dim {EmbedDim} is not divisible by {NumHeads} heads");
        if (!(MlpRatio > 0) || MlpHidden < 1) throw new ArgumentException($"{Name}: MLP ratio must be positive, got {MlpRatio}");
        if (ImageSize % PatchSize != 0)
            throw new ArgumentException($"{Name}: image size {ImageSize} is not a multiple of the patch size {PatchSize}");
    }
}
