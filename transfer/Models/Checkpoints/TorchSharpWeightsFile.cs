using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Checkpoints;

/// <summary>
/// TorchSharp's own weights format (<c>Module.save</c>): an LEB128 entry count, then per entry a BinaryWriter string
/// name, LEB128 dtype, rank, dims and the raw bytes. Read whole: the format has no index to read lazily from.
/// </summary>
public static class TorchSharpWeightsFile
{
    public static IReadOnlyDictionary<string, CheckpointTensor> Read(string path)
    {
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            var count = DecodeLeb128(reader);
            if (count is < 0 or > 1_000_000) throw Corrupt(path, $"implausible entry count {count}");
            var result = new Dictionary<string, CheckpointTensor>(StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var code = DecodeLeb128(reader);
                if (!Enum.IsDefined(typeof(ScalarType), (sbyte)code) || code > sbyte.MaxValue) throw Corrupt(path, $"tensor '{name}' has an unknown dtype code {code}");
                var dtype = (ScalarType)code;
                var rank = DecodeLeb128(reader);
                if (rank is < 0 or > 16) throw Corrupt(path, $"tensor '{name}' has rank {rank}");
                var shape = new long[rank];
                for (var d = 0; d < rank; d++) shape[d] = DecodeLeb128(reader);
                long elements = 1;
                foreach (var d in shape) elements = checked(elements * d);
                var bytes = checked((int)(elements * SafetensorsFile.ElementSize(dtype)));
                var data = reader.ReadBytes(bytes);
                if (data.Length != bytes) throw Corrupt(path, $"tensor '{name}' needs {bytes} bytes, the file ends after {data.Length} (truncated?)");
                result[name] = new CheckpointTensor(name, dtype, shape, () => data);
            }
            if (reader.BaseStream.Position != reader.BaseStream.Length)
                throw Corrupt(path, $"{reader.BaseStream.Length - reader.BaseStream.Position} bytes follow the last tensor");
            return result;
        }
        catch (Exception e) when (e is EndOfStreamException or OverflowException or ArgumentException)
        {
            throw Corrupt(path, $"truncated or not in TorchSharp's format ({e.Message})");
        }
    }

    private static CheckpointException Corrupt(string path, string problem) =>
        new(path, $"not a readable TorchSharp weights file: {problem} (checkpoints from Python: save them as .safetensors)");

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
            if (shift > 63) throw new OverflowException("LEB128 value longer than 64 bits");
        }
    }
}
