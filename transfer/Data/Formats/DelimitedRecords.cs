using System.Text;

namespace AftSweep.Transfer.Data.Formats;

/// <summary>One record of a delimited file and the 1-based line it starts on.</summary>
internal readonly record struct DelimitedRecord(int Line, string[] Fields);

/// <summary>
/// Splits tsv/csv text into records. CSV follows RFC 4180 (double-quoted fields may hold the delimiter, quotes
/// doubled, and line breaks). TSV is the GLUE convention: one record per line, fields split on tabs, quotes are
/// ordinary characters (GLUE sentences contain unbalanced quotes, so treating them as quoting would corrupt rows).
/// A UTF-8 byte-order mark is dropped by the caller's reader; a final line break does not make an empty record.
/// </summary>
internal static class DelimitedRecords
{
    public static List<DelimitedRecord> Parse(string text, char delimiter, string file) =>
        delimiter == '\t' ? ParseTsv(text) : ParseCsv(text, delimiter, file);

    private static List<DelimitedRecord> ParseTsv(string text)
    {
        var records = new List<DelimitedRecord>();
        var lines = text.Split('\n');
        var count = lines.Length;
        if (count > 0 && lines[count - 1].Length == 0) count--;
        for (var i = 0; i < count; i++)
            records.Add(new DelimitedRecord(i + 1, lines[i].TrimEnd('\r').Split('\t')));
        return records;
    }

    private static List<DelimitedRecord> ParseCsv(string text, char delimiter, string file)
    {
        var records = new List<DelimitedRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var quoted = false;
        var quoteLine = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                    quoted = false;
                    i++;
                    if (i < text.Length && text[i] != delimiter && text[i] != '\n' && text[i] != '\r')
                        throw new DatasetException(file, $"line {line}",
                            $"unexpected '{text[i]}' after a closing quote: expected a delimiter '{delimiter}' or the end of the line");
                    continue;
                }
                if (c == '\n') line++;
                field.Append(c);
                i++;
                continue;
            }
            if (c == '"' && field.Length == 0) { quoted = true; quoteLine = line; i++; continue; }
            if (c == delimiter) { fields.Add(field.ToString()); field.Clear(); i++; continue; }
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { i++; continue; }
            if (c == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                records.Add(new DelimitedRecord(recordLine, fields.ToArray()));
                fields.Clear();
                line++;
                recordLine = line;
                i++;
                continue;
            }
            field.Append(c);
            i++;
        }
        if (quoted)
            throw new DatasetException(file, $"line {quoteLine}", "a quoted field is never closed: expected a closing '\"'");
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add(new DelimitedRecord(recordLine, fields.ToArray()));
        }
        return records;
    }
}
