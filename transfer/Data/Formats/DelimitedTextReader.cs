using System.Text;
using AftSweep.Contracts.Grid;

namespace AftSweep.Transfer.Data.Formats;

/// <summary>
/// tsv/csv (optionally gzipped): for kind text, one or two text columns rendered through the template; for kind
/// vectors, every column but the label is a float feature. Plus a label column.
/// </summary>
internal static class DelimitedTextReader
{
    public static RawSplit Read(string path, DatasetSpec spec, CancellationToken cancellationToken)
    {
        var delimiter = spec.Format == DatasetFormat.Tsv ? '\t' : ',';
        if (spec.Kind == DatasetKind.Text && spec.Text.Count is < 1 or > 2)
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
        if (spec.Kind == DatasetKind.Vectors) return ReadVectors(path, rows, width, labelColumn, spec, header is null);
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

    private static RawSplit ReadVectors(string path, List<DelimitedRecord> rows, int width, int labelColumn, DatasetSpec spec, bool noHeader)
    {
        var dim = width - 1;
        if (dim < 1) throw new DatasetException(path, null, "a vectors csv needs at least one feature column besides the label");
        var values = new float[(long)rows.Count * dim];
        var labels = new string[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            var record = rows[r];
            if (record.Fields.Length != width)
                throw new DatasetException(path, $"line {record.Line}",
                    $"expected {width} fields {(noHeader ? "(as in the first row)" : "(as in the header)")}, found {record.Fields.Length}");
            var k = 0;
            for (var c = 0; c < width; c++)
            {
                var field = record.Fields[c].Trim();
                if (c == labelColumn)
                {
                    if (field.Length == 0) throw new DatasetException(path, $"line {record.Line}", $"label column '{spec.Label}' is empty: expected a label");
                    labels[r] = field;
                    continue;
                }
                if (!float.TryParse(field, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) || !float.IsFinite(v))
                    throw new DatasetException(path, $"line {record.Line}, column {c}", $"'{field}' is not a finite number: expected a float feature");
                values[(long)r * dim + k++] = v;
            }
        }
        var lines = rows.Select(x => x.Line).ToArray();
        return new RawSplit
        {
            LabelFile = path,
            Locate = i => $"line {lines[i]}",
            TextLabels = labels,
            Vectors = new VectorBatch { Dim = dim, Values = values },
        };
    }

    private static string ReadText(string path)
    {
        if (!File.Exists(path)) throw new DatasetException(path, null, "file not found");
        // UTF-8, a byte-order mark tolerated (and dropped); invalid bytes are an error, not silent U+FFFD.
        var bytes = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? Gunzip(path) : File.ReadAllBytes(path);
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

    private static byte[] Gunzip(string path)
    {
        try
        {
            using var input = new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress);
            using var buffer = new MemoryStream();
            input.CopyTo(buffer);
            return buffer.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new DatasetException(path, null, $"is not a valid gzip file: {e.Message}", e);
        }
    }
}
