using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models.Checkpoints;

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header mapping each tensor
/// name to {dtype, shape, data_offsets} (plus an optional "__metadata__" map of strings), then the raw little-endian
/// bytes. <see cref="Read"/> checks the whole header against the file (offsets in range, sizes matching shapes and
/// dtypes, no overlaps) and reads tensor data only when asked.
/// </summary>
public static class SafetensorsFile
{
    private const long MaxHeader = 100L << 20;

    public static IReadOnlyDictionary<string, CheckpointTensor> Read(string path)
    {
        var length = new FileInfo(path).Length;
        byte[] header;
        using (var stream = File.OpenRead(path))
        {
            Span<byte> prefix = stackalloc byte[8];
            if (stream.ReadAtLeast(prefix, 8, throwOnEndOfStream: false) < 8)
                throw Corrupt(path, $"the file is {length} bytes, shorter than the 8-byte header length");
            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength > (ulong)Math.Min(MaxHeader, length - 8))
                throw Corrupt(path, $"the header length ({headerLength} bytes) runs past the end of the {length}-byte file (truncated, or not safetensors)");
            header = new byte[headerLength];
            stream.ReadExactly(header);
        }
        var dataStart = 8 + header.LongLength;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw Corrupt(path, $"the header is not valid JSON ({e.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw Corrupt(path, "the header is not a JSON object");
            var result = new Dictionary<string, CheckpointTensor>(StringComparer.Ordinal);
            var spans = new List<(long Begin, long End, string Name)>();
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__") continue;
                var (dtype, shape, begin, end) = Entry(path, entry);
                var bytes = end - begin;
                var expected = Elements(path, entry.Name, shape) * ElementSize(dtype);
                if (bytes != expected)
                    throw Corrupt(path, $"tensor '{entry.Name}' has {bytes} data bytes, but dtype {DTypeName(dtype)} and shape {CheckpointTensor.ShapeOf(shape)} need {expected}");
                if (dataStart + end > length)
                    throw Corrupt(path, $"tensor '{entry.Name}' ends at byte {dataStart + end}, past the end of the {length}-byte file (truncated?)");
                spans.Add((begin, end, entry.Name));
                var offset = dataStart + begin;
                result[entry.Name] = new CheckpointTensor(entry.Name, dtype, shape, () => ReadBytes(path, offset, bytes));
            }
            spans.Sort((a, b) => a.Begin.CompareTo(b.Begin));
            for (var i = 1; i < spans.Count; i++)
                if (spans[i].Begin < spans[i - 1].End)
                    throw Corrupt(path, $"tensors '{spans[i - 1].Name}' and '{spans[i].Name}' overlap in the data section");
            return result;
        }
    }

    /// <summary>Writes CPU tensors (float32/64/16, bfloat16, int64/32/16/8, uint8, bool) in name order.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var entries = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        var blobs = new List<byte[]>(entries.Count);
        var header = new Dictionary<string, object>(StringComparer.Ordinal);
        if (metadata is { Count: > 0 }) header["__metadata__"] = metadata;
        long offset = 0;
        foreach (var (name, tensor) in entries)
        {
            using var contiguous = tensor.detach().cpu().contiguous();
            var bytes = contiguous.bytes.ToArray();
            header[name] = new { dtype = DTypeName(tensor.dtype), shape = tensor.shape, data_offsets = new[] { offset, offset + bytes.LongLength } };
            offset += bytes.LongLength;
            blobs.Add(bytes);
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        var padded = (json.Length + 7) / 8 * 8; // the format pads the header with spaces to 8-byte alignment
        var temp = path + ".tmp";
        using (var stream = File.Create(temp))
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
            stream.Write(prefix);
            stream.Write(json);
            for (var i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var blob in blobs) stream.Write(blob);
        }
        File.Move(temp, path, overwrite: true);
    }

    private static (ScalarType DType, long[] Shape, long Begin, long End) Entry(string path, JsonProperty entry)
    {
        var v = entry.Value;
        if (v.ValueKind != JsonValueKind.Object
            || !v.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String
            || !v.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || !v.TryGetProperty("data_offsets", out var offsetsElement) || offsetsElement.ValueKind != JsonValueKind.Array
            || offsetsElement.GetArrayLength() != 2)
            throw Corrupt(path, $"tensor '{entry.Name}' needs dtype, shape and two data_offsets in the header");
        var dtype = ParseDType(dtypeElement.GetString()!)
                    ?? throw Corrupt(path, $"tensor '{entry.Name}' has dtype '{dtypeElement.GetString()}', which is not supported (F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)");
        var shape = new long[shapeElement.GetArrayLength()];
        var k = 0;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var dim) || dim < 0)
                throw Corrupt(path, $"tensor '{entry.Name}' has an invalid shape {shapeElement.GetRawText()}");
            shape[k++] = dim;
        }
        var offsets = offsetsElement.EnumerateArray().Select(o => o.ValueKind == JsonValueKind.Number && o.TryGetInt64(out var x) ? x : -1).ToArray();
        if (offsets[0] < 0 || offsets[1] < offsets[0])
            throw Corrupt(path, $"tensor '{entry.Name}' has invalid data_offsets {offsetsElement.GetRawText()}");
        return (dtype, shape, offsets[0], offsets[1]);
    }

    private static byte[] ReadBytes(string path, long offset, long count)
    {
        var buffer = new byte[checked((int)count)];
        using var stream = File.OpenRead(path);
        stream.Seek(offset, SeekOrigin.Begin);
        if (stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) < buffer.Length)
            throw Corrupt(path, $"the file ended while reading {count} bytes at offset {offset} (it changed since it was checked?)");
        return buffer;
    }

    private static long Elements(string path, string name, long[] shape)
    {
        try
        {
            long n = 1;
            foreach (var d in shape) n = checked(n * d);
            return n;
        }
        catch (OverflowException)
        {
            throw Corrupt(path, $"tensor '{name}' has a shape too large to address");
        }
    }

    public static long ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool => 1,
        _ => throw new ArgumentException($"dtype {dtype} has no safetensors name"),
    };

    private static ScalarType? ParseDType(string name) => name switch
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
        _ => null,
    };

    public static string DTypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 => "F64",
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => dtype.ToString(),
    };

    private static CheckpointException Corrupt(string path, string problem) => new(path, $"not a readable safetensors file: {problem}");
}
