using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Models;

/// <summary>
/// <c>cnn-small</c>: conv3x3 3->32 ReLU maxpool2, conv3x3 32->64 ReLU maxpool2, conv3x3 64->128 ReLU (padding 1),
/// global average pool (features 128), linear head.
/// </summary>
public sealed class SmallCnnModel : DownstreamModel
{
    public const int Width = 128;

    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Conv2d conv3;
    private readonly Linear head;

    public SmallCnnModel(int channels, int numClasses) : base("cnn-small")
    {
        conv1 = nn.Conv2d(channels, 32, 3, padding: 1);
        conv2 = nn.Conv2d(32, 64, 3, padding: 1);
        conv3 = nn.Conv2d(64, Width, 3, padding: 1);
        head = nn.Linear(Width, numClasses);
        RegisterComponents();
    }

    public override int FeatureDim => Width;
    public override string HeadName => "head";

    public override Tensor Features(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.max_pool2d(nn.functional.relu(conv1.call(x)), 2);
        h = nn.functional.max_pool2d(nn.functional.relu(conv2.call(h)), 2);
        h = nn.functional.relu(conv3.call(h));
        return h.mean([2, 3]).MoveToOuterDisposeScope(); // (B, 128)
    }

    public override Tensor Head(Tensor features) => head.call(features);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            conv1.Dispose();
            conv2.Dispose();
            conv3.Dispose();
            head.Dispose();
        }
        base.Dispose(disposing);
    }
}
