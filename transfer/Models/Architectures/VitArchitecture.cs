using System.Globalization;
using AftSweep.Transfer.Models.Checkpoints;
using AftSweep.Transfer.Models.Vit;
using AftSweep.Transfer.Torch;

namespace AftSweep.Transfer.Models.Architectures;

/// <summary>
/// <c>vit-s16</c>: timm's VisionTransformer (<c>vit_small_patch16_224</c> by default; config keys <c>embed_dim</c>,
/// <c>depth</c>, <c>num_heads</c>, <c>mlp_ratio</c>, <c>patch_size</c>, <c>img_size</c>, <c>mean</c>, <c>std</c>).
/// It runs at the grid's <c>resolution</c> (a multiple of the patch size); a checkpoint's <c>pos_embed</c> trained
/// at another resolution is resampled as timm does (bicubic, antialiased, class token kept). <c>layers</c> picks a
/// subset of the checkpoint's blocks. Checkpoint files without mean/std are taken to use timm's default for this
/// model (mean = std = 0.5, the augreg weights).
/// </summary>
public sealed class VitArchitecture() : ImageArchitecture(Contracts.Grid.DownstreamModels.VitS16)
{
    private const string PosEmbed = "pos_embed";

    protected override ImagePreprocessing FamilyDefault => ImagePreprocessing.Inception;

    public override StudentBlueprint Blueprint(StudentRequest request)
    {
        var data = Require(request, InputKind.Image);
        var c = request.Config;
        var preset = VitConfig.VitS16;
        var config = preset with
        {
            EmbedDim = c.Int("embed_dim", preset.EmbedDim),
            Depth = request.Spec.Layers?.Count ?? c.Int("depth", preset.Depth),
            NumHeads = c.Int("num_heads", preset.NumHeads),
            MlpRatio = c.Double("mlp_ratio", preset.MlpRatio),
            PatchSize = c.Int("patch_size", preset.PatchSize),
            ImageSize = c.Int("img_size", preset.ImageSize),
            InChannels = data.Channels,
        };
        var preprocessing = Preprocessing(request);
        var size = preprocessing.Resolution ?? data.Height;
        if (data.Height != data.Width && preprocessing.Resolution is null)
            throw new ArgumentException($"vit-s16 takes square images; the dataset's are {data.Height}x{data.Width}: set downstream.resolution");
        if (size % config.PatchSize != 0)
            throw new ArgumentException($"downstream.resolution {size} px is not a multiple of vit-s16's {config.PatchSize}-px patch");
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException(c.Source, e.Message);
        }
        var grid = size / config.PatchSize;
        return new StudentBlueprint
        {
            Construct = () => new VisionTransformerModel(config, request.NumClasses, size),
            Input = new ImageStudentInput(preprocessing),
            Names = new CheckpointNameTable
            {
                Prefixes = ["module.", "model."],
                LayerFormat = "blocks.{0}.",
                CanAdapt = (entry, stored, target) => entry == PosEmbed && stored.Length == 3 && stored[0] == 1 && stored[2] == target[2]
                                                      && IsSquare(stored[1] - 1),
                Adapt = (entry, tensor, _) => entry == PosEmbed ? PositionEmbedding.Resample(tensor, (grid, grid), numPrefixTokens: 1) : null,
            },
            Layers = request.Spec.Layers,
            Summary = string.Create(CultureInfo.InvariantCulture,
                $"vit-s16 (width {config.EmbedDim}, {config.Depth} blocks, {config.NumHeads} heads, patch {config.PatchSize}, input {size} px = {grid}x{grid} patches, {preprocessing.Name})"),
        };
    }

    private static bool IsSquare(long n)
    {
        var r = (long)Math.Round(Math.Sqrt(n));
        return r * r == n;
    }
}
