using System.Text.Json;
using AftSweep.Contracts.Trials;
using AftSweep.Infra.Json;

namespace AftSweep.Infra.Records;

/// <summary>The record file format: <see cref="TrialRecord"/> as JSON, schema-checked on read.</summary>
public static class RecordJson
{
    public static byte[] Serialize(TrialRecord record) => JsonSerializer.SerializeToUtf8Bytes(record, StoreJson.Options);

    /// <summary>The compact text form a database keeps in its record column (same names, no indentation).</summary>
    public static string SerializeCompact(TrialRecord record) => JsonSerializer.Serialize(record, StoreJson.Compact);

    /// <param name="source">Where the text came from, for the error message.</param>
    public static TrialRecord Deserialize(string json, string source) => Deserialize(System.Text.Encoding.UTF8.GetBytes(json), source);

    /// <param name="source">Where the bytes came from, for the error message.</param>
    public static TrialRecord Deserialize(ReadOnlySpan<byte> bytes, string source)
    {
        TrialRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<TrialRecord>(bytes, StoreJson.Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a trial record ({e.Message})", e);
        }
        if (record is null) throw new InvalidDataException($"{source}: empty trial record");
        // Older schemas only lack fields added since (read as absent); a newer one may mean what this build cannot know.
        if (record.Schema is < 1 || record.Schema > TrialRecord.CurrentSchema)
            throw new InvalidDataException($"{source}: schema: record schema {record.Schema}, this build reads 1 to {TrialRecord.CurrentSchema}");
        return record;
    }

    /// <summary>Ids become file and blob names: only lowercase hex and a few safe characters are accepted.</summary>
    public static string CheckId(string id, string what)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 200 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || id[0] == '.')
            throw new ArgumentException($"{what} '{id}' is not a valid id (letters, digits, '-', '_', '.'; at most 200)", what);
        return id;
    }
}
