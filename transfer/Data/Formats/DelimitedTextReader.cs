using System.Text;
using AftSweep.Contracts.Grid;

namespace AftSweep.Transfer.Data.Formats;

/// <summary>tsv/csv: one or two text columns (rendered through the template) and a label column.</summary>
internal static class DelimitedTextReader
{
    public static RawSplit Read(string path, DatasetSpec spec, CancellationToken cancellationToken)
    {
        var delimiter = spec.Format == DatasetFormat.Tsv ? '\t' : ',';
        if (spec.Text.Count is < 1 or > 2)
            throw new DatasetException("dataset.text", null, $"expected one or two text columns, found {spec.Text.Count}");
        if (spec.Label is null)
            throw new DatasetException("dataset.label", null, "a tsv/csv dataset needs a label column");

        var text = ReadText(path);
        cancellationToken.ThrowIfCancellationRequested();
        var records = DelimitedRecords.Parse(text, delimiter, path);
        if (records.Count == 0 || records.All(r => r.Fields.Length == 1 && r.Fields[0].Trim().Length == 0))
            throw new DatasetException(path, null,
                spec.Header ? "file is empty: expected a header row and at least one data row" : "file is empty: expected at least one data row");

        string[]? header = spec.Header ? records[0].Fields : null;
        var rows = spec.Header ? records.Skip(1).ToList() : records;
        var width = header?.Length ?? rows[0].Fields.Length;
        if (rows.Count == 0)
            throw new DatasetException(path, null, "has a header row but no data rows: expected at least one data row");

        var columns = new ColumnResolver(path, header, width);
        var labelColumn = columns.Resolve(spec.Label, "dataset.label");
        var textColumns = spec.Text.Select(c => columns.Resolve(c, "dataset.text")).ToArray();
        var template = spec.Template is null
            ? TextTemplate.Join(textColumns)
            : TextTemplate.Parse(spec.Template, columns);

        var texts = new string[rows.Count];
        var labels = new string[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            var record = rows[r];
            if (record.Fields.Length != width)
                throw new DatasetException(path, $"line {record.Line}",
                    $"expected {width} fields {(header is null ? "(as in the first row)" : "(as in the header)")}, found {record.Fields.Length}" +
                    (delimiter == '\t' ? " (fields are separated by tabs)" : ""));
            var label = record.Fields[labelColumn].Trim();
            if (label.Length == 0)
                throw new DatasetException(path, $"line {record.Line}", $"label column '{spec.Label}' is empty: expected a label");
            labels[r] = label;
            texts[r] = template.Render(record.Fields);
        }

        var lines = rows.Select(r => r.Line).ToArray();
        return new RawSplit
        {
            LabelFile = path,
            Locate = i => $"line {lines[i]}",
            TextLabels = labels,
            Texts = texts,
        };
    }

    private static string ReadText(string path)
    {
        if (!File.Exists(path)) throw new DatasetException(path, null, "file not found");
        // UTF-8, a byte-order mark tolerated (and dropped); invalid bytes are an error, not silent U+FFFD.
        var bytes = File.ReadAllBytes(path);
        var start = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? 3 : 0;
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException e)
        {
            throw new DatasetException(path, $"byte {start + e.Index}", "is not valid UTF-8: expected UTF-8 text", e);
        }
    }
}
