using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace AftSweep.Transfer.Bundled;

/// <summary>
/// A package DLL whose embedded resources are an ONNX model and its WordPiece vocabulary. The resources are read
/// from the PE file's metadata (System.Reflection.Metadata), without loading the assembly: its code, and the
/// ML.NET dependencies it would pull in, are never needed.
/// </summary>
public sealed class EmbeddedModelPackage(string relativePath, string modelResource, string vocabularyResource)
{
    public string DllPath => Path.Combine(BundledModels.Root, relativePath);
    public string ModelResource => modelResource;
    public string VocabularyResource => vocabularyResource;

    public byte[] ReadModel() => ReadResource(modelResource);
    public byte[] ReadVocabulary() => ReadResource(vocabularyResource);

    public IReadOnlyList<string> ResourceNames()
    {
        using var pe = new PEReader(File.OpenRead(BundledModels.RequireFile(DllPath)));
        var metadata = pe.GetMetadataReader();
        return metadata.ManifestResources.Select(h => metadata.GetString(metadata.GetManifestResource(h).Name)).ToArray();
    }

    private byte[] ReadResource(string name)
    {
        using var pe = new PEReader(File.OpenRead(BundledModels.RequireFile(DllPath)), PEStreamOptions.PrefetchEntireImage);
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (metadata.GetString(resource.Name) != name || !resource.Implementation.IsNil) continue;
            // Embedded resources sit in the CLI resources directory, each as a 4-byte length and the bytes.
            var directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
            var reader = pe.GetSectionData(directory.RelativeVirtualAddress).GetReader((int)resource.Offset, directory.Size - (int)resource.Offset);
            var length = reader.ReadInt32();
            return reader.ReadBytes(length);
        }
        throw new InvalidDataException(
            $"{DllPath} has no embedded resource '{name}' (it has: {string.Join(", ", ResourceNames())})");
    }
}
