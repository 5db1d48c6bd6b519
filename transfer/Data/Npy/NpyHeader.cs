using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace AftSweep.Transfer.Data.Npy;

/// <summary>
/// The header of a .npy file (numpy.org/doc/stable/reference/generated/numpy.lib.format.html): magic "\x93NUMPY",
/// version 1.0 (2-byte header length) or 2.0/3.0 (4-byte), then a Python dict literal with descr, fortran_order and
/// shape, padded with spaces and ending in a newline.
/// </summary>
public sealed partial record NpyHeader(string Descr, bool FortranOrder, long[] Shape, int DataOffset)
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public long Count => Shape.Aggregate(1L, (a, b) => checked(a * b));

    /// <summary>Bytes per element of <see cref="Descr"/> ("&lt;f4" is 4), or 0 for a type this project does not read.</summary>
    public int ItemSize => Descr.Length >= 3 && int.TryParse(Descr[2..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    public string ShapeText => "(" + string.Join(", ", Shape) + (Shape.Length == 1 ? ",)" : ")");

    public static NpyHeader Parse(ReadOnlySpan<byte> bytes, string file)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
            throw new DatasetException(file, null, "is not a .npy file: expected the magic string \\x93NUMPY at the start");
        var major = bytes[6];
        int headerLength, start;
        if (major == 1) { headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]); start = 10; }
        else if (major is 2 or 3)
        {
            if (bytes.Length < 12) throw new DatasetException(file, null, "npy header is truncated");
            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]));
            start = 12;
        }
        else throw new DatasetException(file, null, $"npy format version {major}.{bytes[7]}: expected 1.0, 2.0 or 3.0");
        if (bytes.Length < start + headerLength)
            throw new DatasetException(file, null, $"npy header declares {headerLength} bytes but the file is {bytes.Length} bytes long");

        var dict = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes.Slice(start, headerLength));
        var descr = DescrPattern().Match(dict);
        var fortran = FortranPattern().Match(dict);
        var shape = ShapePattern().Match(dict);
        if (!descr.Success || !fortran.Success || !shape.Success)
            throw new DatasetException(file, null, $"npy header {dict.Trim()} lacks 'descr', 'fortran_order' or 'shape'");
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
                : throw new DatasetException(file, null, $"npy shape ({shape.Groups[1].Value}) has a non-integer dimension '{d}'"))
            .ToArray();
        return new NpyHeader(descr.Groups[1].Value, fortran.Groups[1].Value == "True", dims, start + headerLength);
    }

    /// <summary>A version 1.0 header for a C-order array, padded so the data starts on a 64-byte boundary.</summary>
    public static byte[] Format(string descr, IReadOnlyList<long> shape)
    {
        var shapeText = "(" + string.Join(", ", shape) + (shape.Count == 1 ? ",)" : ")");
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        var total = 10 + dict.Length + 1;
        var padded = (total + 63) / 64 * 64;
        dict = dict.PadRight(dict.Length + padded - total) + "\n";
        var bytes = new byte[10 + dict.Length];
        Magic.CopyTo(bytes, 0);
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)dict.Length);
        Encoding.Latin1.GetBytes(dict, bytes.AsSpan(10));
        return bytes;
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex DescrPattern();
    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranPattern();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
