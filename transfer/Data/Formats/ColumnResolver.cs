using AftSweep.Contracts.Grid;

namespace AftSweep.Transfer.Data.Formats;

/// <summary>Finds a column of one delimited file by header name or 0-based index.</summary>
internal sealed class ColumnResolver(string file, string[]? header, int width)
{
    public int Resolve(ColumnRef column, string field)
    {
        if (column.Name is { } name)
        {
            if (header is null)
                throw new DatasetException(file, null,
                    $"{field} names column '{name}' but the file has no header (header: false): use a 0-based column index");
            var index = Array.FindIndex(header, h => string.Equals(h.Trim(), name, StringComparison.Ordinal));
            if (index < 0)
                throw new DatasetException(file, "line 1",
                    $"{field} column '{name}' does not exist: the header has {string.Join(", ", header.Select(h => $"'{h.Trim()}'"))}");
            return index;
        }
        var at = column.Index!.Value;
        if (at < 0 || at >= width)
            throw new DatasetException(file, null,
                $"{field} column index {at} does not exist: the rows have {width} fields (indices 0..{width - 1})");
        return at;
    }

    /// <summary>A template placeholder: a header name, or an index when the file has no header.</summary>
    public int ResolvePlaceholder(string placeholder)
    {
        if (header is null && int.TryParse(placeholder, out var index))
            return Resolve(ColumnRef.At(index), "dataset.template");
        return Resolve(ColumnRef.Named(placeholder), "dataset.template");
    }
}
