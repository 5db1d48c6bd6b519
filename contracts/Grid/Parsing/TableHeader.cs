using System.IO.Compression;
using System.Text;

namespace AftSweep.Contracts.Grid.Parsing;

/// <summary>Reads only the first row of a tsv/csv file (gzipped when it ends in .gz), to check column references
/// before any trial runs. Loading the table is the dataset loader's job.</summary>
internal static class TableHeader
{
    public static IReadOnlyList<string>? ReadFirstRow(string file, char separator, out string? error)
    {
        try
        {
            using var stream = File.OpenRead(file);
            using var decompressed = file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(stream, CompressionMode.Decompress) : (Stream)stream;
            using var reader = new StreamReader(decompressed, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            var line = reader.ReadLine();
            if (string.IsNullOrWhiteSpace(line))
            {
                error = "the file is empty (no first row)";
                return null;
            }
            error = null;
            return Split(line, separator).Select(c => c.Trim()).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            error = $"cannot read the first row ({e.Message})";
            return null;
        }
    }

    /// <summary>Splits one row; double quotes group a csv field (RFC 4180), tsv fields are taken as they are.</summary>
    private static IEnumerable<string> Split(string line, char separator)
    {
        if (separator == '\t')
        {
            foreach (var field in line.Split('\t')) yield return field;
            yield break;
        }
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else current.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == separator) { yield return current.ToString(); current.Clear(); }
            else current.Append(c);
        }
        yield return current.ToString();
    }
}
