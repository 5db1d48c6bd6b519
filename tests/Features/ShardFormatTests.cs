using System.Buffers.Binary;
using AftSweep.Transfer.Features;
using AftSweep.Transfer.Numerics;

namespace AftSweep.Tests.Features;

public sealed class ShardFormatTests
{
    private static FeatureMatrix Matrix(int rows, int dim) =>
        new(rows, dim, Enumerable.Range(0, rows * dim).Select(i => i * 0.25f - 3).ToArray());

    [Fact]
    public void ShardFormat_Encode_WritesDocumentedHeaderAndLittleEndianFloats()
    {
        var bytes = ShardFormat.Encode(Matrix(3, 2), startRow: 4096);
        Assert.Equal(64 + 3 * 2 * 4, bytes.Length);
        Assert.Equal("AFTS"u8.ToArray(), bytes[..4]);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6)));
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)));
        Assert.Equal(4096, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16)));
        Assert.Equal(-3f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(64)));
        Assert.Equal(-1.75f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(64 + 5 * 4)));
        Assert.True(ShardVerifier.IsSelfConsistent(bytes, 4096, 3, 2, out _));
    }

    [Fact]
    public void ShardFormat_NewerVersion_IsRefusedWithUpgradeHint()
    {
        var bytes = ShardFormat.Encode(Matrix(1, 1), 0);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 2);
        var e = Assert.Throws<FeatureSchemaException>(() => ShardFormat.ReadHeader(bytes, "features/k/shard-00000.bin"));
        Assert.Contains("features/k/shard-00000.bin: shard format version 2 is newer", e.Message);
    }

    [Fact]
    public void ShardFormat_WrongMagicOrDtype_IsRefusedNamingTheBlob()
    {
        var bytes = ShardFormat.Encode(Matrix(1, 1), 0);
        bytes[6] = 9;
        Assert.Contains("dtype code 9", Assert.Throws<FeatureStoreException>(() => ShardFormat.ReadHeader(bytes, "b")).Message);
        bytes[0] = (byte)'X';
        Assert.Contains("b: not a feature shard", Assert.Throws<FeatureStoreException>(() => ShardFormat.ReadHeader(bytes, "b")).Message);
    }

    [Fact]
    public void ShardVerifier_ByteFlippedAnywhere_IsCorrupt()
    {
        var bytes = ShardFormat.Encode(Matrix(4, 3), 8);
        var entry = new ManifestShard(0, "features/k/shard-00000.bin", 8, 4, bytes.Length, ShardVerifier.Sha256Hex(bytes));
        var dest = new float[12];
        Assert.Equal(ShardReadOutcome.Ok, ShardVerifier.VerifyAndDecode(bytes, entry, 3, dest, out _));
        Assert.Equal(Matrix(4, 3).Data, dest);
        foreach (var offset in new[] { 0, 20, 40, 64, bytes.Length - 1 })
        {
            var copy = (byte[])bytes.Clone();
            copy[offset] ^= 1;
            Assert.Equal(ShardReadOutcome.Corrupt, ShardVerifier.VerifyAndDecode(copy, entry, 3, dest, out var problem));
            Assert.Contains("sha256", problem);
            Assert.False(ShardVerifier.IsSelfConsistent(copy, 8, 4, 3, out _) && offset >= 64);
        }
    }
}
