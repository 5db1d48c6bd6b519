using AftSweep.Transfer.Data;

namespace AftSweep.Transfer.Teachers.Images;

/// <summary>One thread's private model sessions and buffers: turns one image into one feature row.</summary>
internal interface IImageWorker : IDisposable
{
    void Extract(ImageBatch images, int index, Span<float> features);
}
