using System.Text.Json;
using System.Text.Json.Serialization;

namespace AftSweep.Contracts.Staging;

/// <summary>
/// What a staged dataset or checkpoint holds (blob <see cref="StagedBlobs.Manifest"/>): each file's role, original file
/// name, length, sha256 and how many parts of <see cref="StagedBlobs.PartSize"/> it was uploaded in. Written after every
/// part, so a manifest means the upload is complete.
/// </summary>
public sealed record StagedManifest(
    [property: JsonPropertyName("schema")] int Schema,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("fingerprint")] string Fingerprint,
    [property: JsonPropertyName("files")] IReadOnlyList<StagedFile> Files)
{
    public const int CurrentSchema = 1;

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Options);

    /// <exception cref="InvalidDataException">Not a manifest this version reads.</exception>
    public static StagedManifest Parse(ReadOnlySpan<byte> json, string where)
    {
        StagedManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<StagedManifest>(json, Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{where}: not a staged-files manifest ({e.Message})", e);
        }
        if (manifest is null || manifest.Schema != CurrentSchema || manifest.Files is null)
            throw new InvalidDataException($"{where}: not a staged-files manifest of schema {CurrentSchema}");
        return manifest;
    }
}

/// <summary>One staged file.</summary>
public sealed record StagedFile(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("length")] long Length,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("parts")] int Parts);

/// <summary>Blob keys of staged files: "staged/KIND/FINGERPRINT/manifest.json" and ".../FILE/PART" (indices, zero-padded).</summary>
public static class StagedBlobs
{
    /// <summary>Bytes per part: one grain call each, well under Orleans' message limit.</summary>
    public const int PartSize = 4 << 20;

    public const string Prefix = "staged/";

    public static string Manifest(string kind, string fingerprint) => $"{Prefix}{kind}/{fingerprint}/manifest.json";

    public static string Part(string kind, string fingerprint, int file, int part) => $"{Prefix}{kind}/{fingerprint}/{file:D5}/{part:D5}";

    public static int PartsOf(long length) => length == 0 ? 1 : (int)((length + PartSize - 1) / PartSize);
}
