using AftSweep.Transfer.Models;
using AftSweep.Transfer.Numerics;
using AftSweep.Transfer.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Training;

/// <summary>Inference passes in eval() mode under no_grad(); the model's training flag is restored afterwards.</summary>
public static class Evaluator
{
    /// <summary>Fraction of rows whose argmax logit is the label.</summary>
    public static double Accuracy(DownstreamModel model, InputTensor inputs, Tensor labels, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        var rows = inputs.Rows;
        if (rows == 0) throw new ArgumentException("nothing to evaluate: the evaluation split has no rows");
        long correct = 0;
        InEvalMode(model, () =>
        {
            var device = labels.device;
            for (long start = 0; start < rows; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var count = Math.Min(batchSize, rows - start);
                var index = arange(start, start + count, dtype: ScalarType.Int64, device: device);
                var logits = model.forward(inputs.Gather(index));
                correct += logits.argmax(1).eq(labels.index_select(0, index)).sum().item<long>();
            }
        });
        return (double)correct / rows;
    }

    /// <summary>The model's features g of every row (N, d_s), e.g. B-Tuning's LogME on the initial model.</summary>
    public static FeatureMatrix Features(DownstreamModel model, InputTensor inputs, int batchSize, Device device)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        var rows = (int)inputs.Rows;
        var dim = model.FeatureDim;
        var data = new float[(long)rows * dim];
        InEvalMode(model, () =>
        {
            for (var start = 0; start < rows; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var count = Math.Min(batchSize, rows - start);
                var index = arange(start, start + count, dtype: ScalarType.Int64, device: device);
                var g = model.Features(inputs.Gather(index)).to(ScalarType.Float32).cpu().contiguous();
                Array.Copy(g.data<float>().ToArray(), 0L, data, (long)start * dim, (long)count * dim);
            }
        });
        return new FeatureMatrix(rows, dim, data);
    }

    private static void InEvalMode(nn.Module model, Action body)
    {
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            body();
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
