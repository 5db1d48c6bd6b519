using System.Buffers.Binary;
using System.Text.Json;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Torch;

/// <summary>
/// Reads a state dictionary from a weights file without needing a module of the right shape first, so a mismatch
/// can be reported by name. Two formats: TorchSharp's own (<c>Module.save</c>: LEB128 entry count, then per entry
/// a BinaryWriter string name, LEB128 dtype, rank, dims, raw bytes) and safetensors (<c>.safetensors</c>: u64
/// header length, JSON header of dtype/shape/data_offsets, raw bytes), which PyTorch and torchvision export.
/// </summary>
public static class WeightsFile
{
    public static IReadOnlyDictionary<string, StoredTensor> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"weights file '{path}' does not exist", path);
        try
        {
            return path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? ReadSafetensors(path) : ReadTorchSharp(path);
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or OverflowException or ArgumentOutOfRangeException)
        {
            throw new InvalidDataException($"weights file '{path}' is truncated or not in the expected format: {e.Message}", e);
        }
    }

    private static Dictionary<string, StoredTensor> ReadTorchSharp(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        var count = DecodeLeb128(reader);
        if (count < 0 || count > 1_000_000) throw new InvalidDataException($"weights file '{path}': implausible entry count {count}");
        var result = new Dictionary<string, StoredTensor>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            var dtype = (ScalarType)DecodeLeb128(reader);
            var rank = DecodeLeb128(reader);
            if (rank < 0 || rank > 16) throw new InvalidDataException($"weights file '{path}': entry '{name}' has rank {rank}");
            var shape = new long[rank];
            for (var d = 0; d < rank; d++) shape[d] = DecodeLeb128(reader);
            var bytes = checked((int)(Elements(shape) * ElementSize(dtype, path, name)));
            var data = reader.ReadBytes(bytes);
            if (data.Length != bytes) throw new EndOfStreamException($"entry '{name}' needs {bytes} bytes, file ends after {data.Length}");
            result[name] = new StoredTensor(dtype, shape, data);
        }
        return result;
    }

    private static Dictionary<string, StoredTensor> ReadSafetensors(string path)
    {
        var all = File.ReadAllBytes(path);
        if (all.Length < 8) throw new EndOfStreamException("shorter than the 8-byte header length");
        var headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(all));
        if (headerLength > all.Length - 8) throw new EndOfStreamException($"header of {headerLength} bytes runs past the end");
        using var header = JsonDocument.Parse(all.AsMemory(8, headerLength));
        var dataStart = 8 + headerLength;
        var result = new Dictionary<string, StoredTensor>(StringComparer.Ordinal);
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__") continue;
            var dtype = SafetensorsDType(entry.Value.GetProperty("dtype").GetString(), path, entry.Name);
            var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var begin = dataStart + offsets[0];
            var length = offsets[1] - offsets[0];
            if (begin + length > all.Length || length != Elements(shape) * ElementSize(dtype, path, entry.Name))
                throw new InvalidDataException($"weights file '{path}': entry '{entry.Name}' has data offsets [{offsets[0]}, {offsets[1]}) that do not fit its shape or the file");
            result[entry.Name] = new StoredTensor(dtype, shape, all.AsSpan(checked((int)begin), checked((int)length)).ToArray());
        }
        return result;
    }

    private static ScalarType SafetensorsDType(string? name, string path, string entry) => name switch
    {
        "F64" => ScalarType.Float64,
        "F32" => ScalarType.Float32,
        "F16" => ScalarType.Float16,
        "BF16" => ScalarType.BFloat16,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw new InvalidDataException($"weights file '{path}': entry '{entry}' has unsupported dtype '{name}'"),
    };

    private static long Elements(long[] shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new InvalidDataException($"negative dimension {d}");
            n = checked(n * d);
        }
        return n;
    }

    private static long ElementSize(ScalarType dtype, string path, string entry) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        _ => throw new InvalidDataException($"weights file '{path}': entry '{entry}' has unsupported dtype {dtype}"),
    };

    /// <summary>Unsigned LEB128, as TorchSharp's writer encodes counts, dtypes and dims.</summary>
    private static long DecodeLeb128(BinaryReader reader)
    {
        long result = 0;
        var shift = 0;
        while (true)
        {
            var b = reader.ReadByte();
            result |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
            shift += 7;
            if (shift > 63) throw new InvalidDataException("LEB128 value longer than 64 bits");
        }
    }
}
