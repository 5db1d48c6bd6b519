namespace AftSweep.Transfer.Data.Formats;

internal static class ImageSplit
{
    /// <summary>Decoded images with their class folder names as labels; errors name the member.</summary>
    public static RawSplit From(List<ImageMember> members, int threads, CancellationToken cancellationToken)
    {
        var images = ImageDecoder.DecodeAll(members, threads, cancellationToken);
        return new RawSplit
        {
            LabelFile = members[0].Container,
            FileOf = i => members[i].Container,
            Locate = i => $"member {members[i].Name}",
            TextLabels = members.Select(m => m.ClassName).ToArray(),
            Images = images,
        };
    }
}
