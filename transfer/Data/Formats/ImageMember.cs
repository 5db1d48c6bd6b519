namespace AftSweep.Transfer.Data.Formats;

/// <summary>An encoded image found in a tar or folder: its member name (for order and errors), class and bytes.</summary>
internal sealed record ImageMember(string Container, string Name, string ClassName, byte[] Encoded)
{
    public static readonly string[] Extensions = [".jpg", ".jpeg", ".png"];

    public static bool IsImageName(string name) =>
        Extensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));
}
