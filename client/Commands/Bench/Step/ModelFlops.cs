using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Client.Commands.Bench.Step;

/// <summary>
/// Floating-point operations of a model's forward pass, counted from the shapes its Conv2d and Linear layers see on a
/// real batch (forward hooks): 2 x multiply-accumulates, biases and element-wise work ignored. That is where
/// convolutional and MLP models spend their time; attention's own matrix products (text-transformer) are not counted,
/// so its figure is a lower bound.
/// </summary>
public static class ModelFlops
{
    /// <summary>A training step costs about three forward passes: the forward, and a backward twice as dear.</summary>
    public const double TrainingStepPerForward = 3;

    public static double ForwardPerExample(nn.Module<Tensor, Tensor> model, Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        double flops = 0;
        var removers = new List<Action>();
        foreach (var module in model.modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    removers.Add(conv.register_forward_hook((_, _, output) =>
                    {
                        var (kh, kw) = (conv.kernel_size[0], conv.kernel_size[1]);
                        flops += 2.0 * output.numel() * (conv.in_channels / conv.groups) * kh * kw;
                        return output;
                    }).remove);
                    break;
                case Linear linear:
                    removers.Add(linear.register_forward_hook((_, _, output) =>
                    {
                        flops += 2.0 * output.numel() * linear.in_features;
                        return output;
                    }).remove);
                    break;
            }
        }

        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            model.call(batch);
        }
        finally
        {
            foreach (var remove in removers) remove();
        }
        return flops / batch.shape[0];
    }
}
