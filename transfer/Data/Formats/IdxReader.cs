using System.Buffers.Binary;

namespace AftSweep.Transfer.Data.Formats;

/// <summary>
/// idx: MNIST-style IDX files (yann.lecun.com/exdb/mnist), gzipped or not. Images: magic 0x00000803 (unsigned
/// bytes, 3 dimensions: count, rows, columns); labels: magic 0x00000801 (unsigned bytes, 1 dimension), big-endian.
/// Grayscale is replicated to three channels: <see cref="ImageBatch"/> is RGB by contract, so every image model and
/// teacher (ImageNet ResNet-18 expects RGB) takes IDX images unchanged.
/// </summary>
internal static class IdxReader
{
    private const int ImagesMagic = 0x00000803;
    private const int LabelsMagic = 0x00000801;

    public static RawSplit Read(string imagesPath, string labelsPath)
    {
        var images = BinaryFiles.ReadMaybeGzipped(imagesPath);
        var labels = BinaryFiles.ReadMaybeGzipped(labelsPath);
        CheckMagic(imagesPath, images, ImagesMagic, "unsigned-byte images with 3 dimensions");
        CheckMagic(labelsPath, labels, LabelsMagic, "unsigned-byte labels with 1 dimension");
        if (images.Length < 16) throw new DatasetException(imagesPath, null, $"is {images.Length} bytes: expected a 16-byte header");
        if (labels.Length < 8) throw new DatasetException(labelsPath, null, $"is {labels.Length} bytes: expected an 8-byte header");

        var count = ReadCount(imagesPath, images, 4, "image count");
        var rows = ReadCount(imagesPath, images, 8, "rows");
        var cols = ReadCount(imagesPath, images, 12, "columns");
        var labelCount = ReadCount(labelsPath, labels, 4, "label count");
        if (count == 0) throw new DatasetException(imagesPath, null, "holds 0 images: expected at least one");
        if (rows == 0 || cols == 0) throw new DatasetException(imagesPath, null, $"declares images of {rows}x{cols}: expected a positive size");
        var expected = 16L + (long)count * rows * cols;
        if (images.Length != expected)
            throw new DatasetException(imagesPath, null,
                $"is {images.Length} bytes: expected {expected} (16-byte header + {count} images of {rows}x{cols})");
        if (labels.Length != 8L + labelCount)
            throw new DatasetException(labelsPath, null, $"is {labels.Length} bytes: expected {8L + labelCount} (8-byte header + {labelCount} labels)");
        if (labelCount != count)
            throw new DatasetException(labelsPath, null, $"holds {labelCount} labels but {imagesPath} holds {count} images: expected one label per image");

        var pixels = new byte[(long)count * rows * cols * 3];
        var src = images.AsSpan(16);
        for (long p = 0; p < src.Length; p++)
        {
            var v = src[(int)p];
            pixels[3 * p] = v;
            pixels[3 * p + 1] = v;
            pixels[3 * p + 2] = v;
        }
        return new RawSplit
        {
            LabelFile = labelsPath,
            Locate = i => $"item {i}",
            IntegerLabels = labels.AsSpan(8).ToArray().Select(b => (long)b).ToArray(),
            Images = new ImageBatch { Height = rows, Width = cols, Pixels = pixels },
        };
    }

    private static void CheckMagic(string path, byte[] bytes, int magic, string meaning)
    {
        if (bytes.Length < 4)
            throw new DatasetException(path, null, $"is {bytes.Length} bytes: expected an IDX header starting with magic 0x{magic:X8} ({meaning})");
        var found = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (found != magic)
            throw new DatasetException(path, null, $"magic number is 0x{found:X8}: expected 0x{magic:X8} ({meaning})");
    }

    private static int ReadCount(string path, byte[] bytes, int offset, string what)
    {
        var value = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(offset));
        if (value < 0) throw new DatasetException(path, null, $"header {what} is {value}: expected a non-negative count");
        return value;
    }
}
