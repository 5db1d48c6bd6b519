using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Vit;

/// <summary>
/// timm's <c>resample_abs_pos_embed</c> (timm/layers/pos_embed.py; followed at timm 1.0.29.dev0, commit aa4b5850,
/// unchanged in substance since timm 0.8 / Dec 2022), which timm's <c>checkpoint_filter_fn</c> applies when a
/// checkpoint's <c>pos_embed</c> grid differs from the model's: the prefix (class-token) rows are kept, the grid rows
/// are reshaped to (1, D, h, w), resized with <c>F.interpolate(mode='bicubic', align_corners=False,
/// antialias=True)</c> in float32, and flattened back row-major. Antialiasing matters when shrinking (224-px weights
/// used at 32 or 64 px: 14x14 to 2x2 or 4x4): it averages over the whole source footprint instead of sampling 4x4
/// neighbours. libtorch's antialiased bicubic also uses PIL's kernel (a = -0.5, not -0.75), so it differs from plain
/// bicubic when enlarging too; pass <c>antialias: false</c> to reproduce older timm (<c>resize_pos_embed</c>, before
/// 0.8), which interpolated without it.
/// </summary>
public static class PositionEmbedding
{
    /// <summary>
    /// <paramref name="posEmbed"/> (1, prefix + h*w, D) resampled to (1, prefix + newGrid.H*newGrid.W, D), in its own
    /// dtype; a new tensor the caller owns (an alias when nothing changes, as timm returns its input). Without
    /// <paramref name="oldGrid"/> the stored grid is taken to be square, as timm assumes.
    /// </summary>
    public static Tensor Resample(Tensor posEmbed, (int Height, int Width) newGrid, (int Height, int Width)? oldGrid = null,
        int numPrefixTokens = 1, bool antialias = true)
    {
        ArgumentNullException.ThrowIfNull(posEmbed);
        if (posEmbed.ndim != 3 || posEmbed.shape[0] != 1)
            throw new ArgumentException($"pos_embed must have shape (1, tokens, dim), got [{string.Join(", ", posEmbed.shape)}]", nameof(posEmbed));
        if (newGrid.Height < 1 || newGrid.Width < 1)
            throw new ArgumentOutOfRangeException(nameof(newGrid), newGrid, "the new grid must be at least 1x1");
        if (numPrefixTokens < 0) throw new ArgumentOutOfRangeException(nameof(numPrefixTokens), numPrefixTokens, "cannot be negative");

        var tokens = posEmbed.shape[1];
        var dim = posEmbed.shape[2];
        if (newGrid.Height * (long)newGrid.Width + numPrefixTokens == tokens && newGrid.Height == newGrid.Width)
            return posEmbed.alias();

        var old = oldGrid ?? SquareGrid(tokens - numPrefixTokens);
        if (old.Height * (long)old.Width + numPrefixTokens != tokens)
            throw new ArgumentException(
                $"pos_embed has {tokens} rows, which is not {numPrefixTokens} prefix token(s) plus a {old.Height}x{old.Width} grid", nameof(posEmbed));

        using var scope = NewDisposeScope();
        var grid = posEmbed.narrow(1, numPrefixTokens, tokens - numPrefixTokens)
            .to(ScalarType.Float32)                                                   // timm: "interpolate needs float32"
            .reshape(1, old.Height, old.Width, dim).permute(0, 3, 1, 2);              // (1, D, h, w)
        var resized = nn.functional.interpolate(grid, size: [newGrid.Height, newGrid.Width],
            mode: InterpolationMode.Bicubic, align_corners: false, antialias: antialias);  // (1, D, h', w')
        var rows = resized.permute(0, 2, 3, 1).reshape(1, -1, dim).to(posEmbed.dtype);    // (1, h'*w', D)
        var result = numPrefixTokens > 0 ? cat([posEmbed.narrow(1, 0, numPrefixTokens), rows], 1) : rows;
        return result.MoveToOuterDisposeScope();
    }

    private static (int Height, int Width) SquareGrid(long rows)
    {
        var side = (int)System.Math.Sqrt(rows);
        while ((long)side * side > rows) side--;
        while ((long)(side + 1) * (side + 1) <= rows) side++;
        if ((long)side * side != rows)
            throw new ArgumentException($"pos_embed has {rows} grid rows, which is not a square grid; give the stored grid size explicitly");
        return (side, side);
    }
}
