using StbImageSharp;

namespace AftSweep.Transfer.Data.Formats;

/// <summary>
/// Decodes image members (JPEG/PNG, StbImageSharp) to one RGB <see cref="ImageBatch"/>. Every image must have the
/// size of the first one (in member order): downstream models and the batch layout need one size.
/// </summary>
internal static class ImageDecoder
{
    public static ImageBatch DecodeAll(IReadOnlyList<ImageMember> members, int threads, CancellationToken cancellationToken)
    {
        var first = Decode(members[0]);
        int height = first.Height, width = first.Width;
        var bytesPerImage = height * width * 3;
        var pixels = new byte[(long)members.Count * bytesPerImage];
        first.Data.CopyTo(pixels, 0);

        var errors = new DatasetException?[members.Count];
        Parallel.For(1, members.Count,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads), CancellationToken = cancellationToken },
            i =>
            {
                try
                {
                    var image = Decode(members[i]);
                    if (image.Width != width || image.Height != height)
                        throw new DatasetException(members[i].Container, $"member {members[i].Name}",
                            $"image is {image.Width}x{image.Height}, expected {width}x{height} like {members[0].Name}: all images must have one size");
                    image.Data.CopyTo(pixels, (long)i * bytesPerImage);
                }
                catch (DatasetException e)
                {
                    errors[i] = e;
                }
            });
        // Report the first bad member in member order, whatever order the threads met them in.
        if (errors.FirstOrDefault(e => e is not null) is { } error) throw error;
        return new ImageBatch { Height = height, Width = width, Pixels = pixels };
    }

    private static ImageResult Decode(ImageMember member)
    {
        // StbImageSharp reports corrupt data with plain Exceptions; any of them means "not a usable image".
        ImageResult? image;
        try
        {
            image = ImageResult.FromMemory(member.Encoded, ColorComponents.RedGreenBlue);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new DatasetException(member.Container, $"member {member.Name}",
                $"does not decode as an image ({e.Message}): expected a JPEG or PNG file", e);
        }
        if (image is null || image.Data is null || image.Width <= 0 || image.Height <= 0)
            throw new DatasetException(member.Container, $"member {member.Name}", "does not decode as an image: expected a JPEG or PNG file");
        return image;
    }
}
