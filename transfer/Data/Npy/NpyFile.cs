using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace AftSweep.Transfer.Data.Npy;

/// <summary>
/// Reads and writes the .npy arrays this project exchanges: float32 matrices [N, d] (vectors, precomputed
/// features) and integer label vectors [N]. Anything else is refused with the dtype/shape that was expected.
/// </summary>
public static class NpyFile
{
    public const string Float32 = "<f4";
    private static readonly string[] IntegerDescrs = ["|u1", "|i1", "<u2", "<i2", "<u4", "<i4", "<u8", "<i8"];

    public static NpyHeader ReadHeader(string path)
    {
        if (!File.Exists(path)) throw new DatasetException(path, null, "file not found");
        using var stream = File.OpenRead(path);
        var buffer = new byte[Math.Min(stream.Length, 65536 + 12)];
        stream.ReadExactly(buffer);
        return NpyHeader.Parse(buffer, path);
    }

    /// <summary>A C-order float32 ("&lt;f4") array of shape (N, d), d &gt; 0.</summary>
    public static (int Rows, int Dim, float[] Values) ReadFloat32Matrix(string path)
    {
        var (header, bytes) = Read(path);
        CheckMatrixHeader(header, path);
        // Length first: a header may declare any shape, and only one that matches the file is worth converting.
        CheckLength(path, header, bytes.Length);
        var rows = checked((int)header.Shape[0]);
        var dim = checked((int)header.Shape[1]);
        var values = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(header.DataOffset, checked(rows * dim * 4))).ToArray();
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
        return (rows, dim, values);
    }

    /// <summary>Checks that a header describes a C-order float32 matrix (N, d); the message names what was found.</summary>
    public static void CheckMatrixHeader(NpyHeader header, string path)
    {
        if (header.Descr != Float32)
            throw new DatasetException(path, null, $"dtype is '{header.Descr}': expected float32 ('{Float32}')");
        if (header.Shape.Length != 2 || header.Shape[1] <= 0)
            throw new DatasetException(path, null, $"shape is {header.ShapeText}: expected a 2-D array (N, d) with d > 0");
        if (header.FortranOrder)
            throw new DatasetException(path, null, "is stored in Fortran order: expected C order (numpy.ascontiguousarray)");
    }

    /// <summary>An integer array of shape (N,) of any integer dtype, widened to long.</summary>
    public static long[] ReadIntegerVector(string path)
    {
        var (header, bytes) = Read(path);
        if (!IntegerDescrs.Contains(header.Descr))
            throw new DatasetException(path, null,
                $"dtype is '{header.Descr}': expected an integer dtype ({string.Join(", ", IntegerDescrs.Select(d => $"'{d}'"))})");
        if (header.Shape.Length != 1)
            throw new DatasetException(path, null, $"shape is {header.ShapeText}: expected a 1-D array (N,)");
        CheckLength(path, header, bytes.Length);
        var n = checked((int)header.Shape[0]);
        var data = bytes.AsSpan(header.DataOffset);
        var values = new long[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = header.Descr switch
            {
                "|u1" => data[i],
                "|i1" => (sbyte)data[i],
                "<u2" => BinaryPrimitives.ReadUInt16LittleEndian(data[(2 * i)..]),
                "<i2" => BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]),
                "<u4" => BinaryPrimitives.ReadUInt32LittleEndian(data[(4 * i)..]),
                "<i4" => BinaryPrimitives.ReadInt32LittleEndian(data[(4 * i)..]),
                "<u8" => checked((long)BinaryPrimitives.ReadUInt64LittleEndian(data[(8 * i)..])),
                _ => BinaryPrimitives.ReadInt64LittleEndian(data[(8 * i)..]),
            };
        }
        return values;
    }

    /// <summary>Writes float32 (rows, dim) atomically (temp file, then rename).</summary>
    public static void WriteFloat32Matrix(string path, int rows, int dim, ReadOnlySpan<float> values)
    {
        if (values.Length != (long)rows * dim) throw new ArgumentException($"{values.Length} values for shape ({rows}, {dim})");
        WriteAtomically(path, NpyHeader.Format(Float32, [rows, dim]), MemoryMarshal.AsBytes(values));
    }

    /// <summary>Writes int64 (N,) atomically.</summary>
    public static void WriteInt64Vector(string path, ReadOnlySpan<long> values) =>
        WriteAtomically(path, NpyHeader.Format("<i8", [values.Length]), MemoryMarshal.AsBytes(values));

    private static (NpyHeader Header, byte[] Bytes) Read(string path)
    {
        if (!File.Exists(path)) throw new DatasetException(path, null, "file not found");
        var bytes = File.ReadAllBytes(path);
        return (NpyHeader.Parse(bytes, path), bytes);
    }

    private static void CheckLength(string path, NpyHeader header, long fileLength)
    {
        long expected;
        try
        {
            expected = checked(header.DataOffset + header.Count * header.ItemSize);
        }
        catch (OverflowException)
        {
            throw new DatasetException(path, null, $"shape {header.ShapeText} of '{header.Descr}' is larger than any file can hold (the header is corrupt)");
        }
        if (fileLength != expected)
            throw new DatasetException(path, null,
                $"is {fileLength} bytes: expected {expected} for shape {header.ShapeText} of '{header.Descr}' (truncated or padded data)");
    }

    private static void WriteAtomically(string path, byte[] header, ReadOnlySpan<byte> data)
    {
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
        {
            stream.Write(header);
            stream.Write(data);
        }
        File.Move(temp, path, overwrite: true);
    }
}
