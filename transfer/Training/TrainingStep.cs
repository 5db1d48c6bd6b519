using AftSweep.Transfer.Models;
using AftSweep.Transfer.Regularisers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AftSweep.Transfer.Training;

/// <summary>
/// One optimisation step of CE + lambda * R with Adam over two parameter groups (model: lr and weight decay;
/// regulariser: prior lr, no weight decay; PyTorch defaults betas 0.9/0.999, eps 1e-8). Shared by the trainer and
/// <c>bench step</c>, so the benchmark times exactly what trials run.
/// Gradients are reset to none (not zero) before every step, as PyTorch's <c>zero_grad()</c> does: Adam then skips
/// parameters without a gradient, which is what keeps the model untouched on aft-bilevel's inner steps.
/// </summary>
public sealed class TrainingStep : IDisposable
{
    private readonly DownstreamModel _model;
    private readonly Regulariser? _regulariser;
    private readonly Adam _optimizer;
    private readonly double[] _baseRates;
    private readonly double _lambda;

    public TrainingStep(DownstreamModel model, Regulariser? regulariser, TrainingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        Torch.NativeAllocator.Configure();
        _model = model;
        _regulariser = regulariser;
        _lambda = regulariser is null ? 0 : settings.Lambda;
        var groups = new List<Adam.ParamGroup>
        {
            new(model.parameters().Where(p => p.requires_grad).ToList(), lr: settings.Lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: settings.WeightDecay),
        };
        var rates = new List<double> { settings.Lr };
        var priorParameters = regulariser?.parameters().Where(p => p.requires_grad).ToList() ?? [];
        if (priorParameters.Count > 0)
        {
            groups.Add(new(priorParameters, lr: settings.PriorLr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0));
            rates.Add(settings.PriorLr);
        }
        _baseRates = [.. rates];
        _optimizer = optim.Adam(groups, lr: settings.Lr, beta1: 0.9, beta2: 0.999, eps: 1e-8);
    }

    /// <summary>Learning rates of the groups now (model first, then the regulariser's when it has parameters).</summary>
    public IReadOnlyList<double> LearningRates => _optimizer.ParamGroups.Select(g => g.LearningRate).ToList();

    /// <summary>Sets both groups' rates for <paramref name="epoch"/> of <paramref name="epochs"/> (cosine to 0).</summary>
    public void BeginEpoch(int epoch, int epochs)
    {
        var i = 0;
        foreach (var group in _optimizer.ParamGroups)
            group.LearningRate = CosineSchedule.LearningRate(_baseRates[i++], epoch, epochs);
    }

    /// <summary>
    /// Runs step <paramref name="step"/> (0-based) on a batch and returns [loss, CE, R, correct] measured before the
    /// update. Call inside the caller's dispose scope. A non-finite loss is returned without updating anything.
    /// </summary>
    public float[] Run(int step, Tensor x, Tensor y, Tensor? phi)
    {
        _model.zero_grad(set_to_none: true);
        _regulariser?.zero_grad(set_to_none: true);
        var inner = _regulariser?.IsInnerStep(step) ?? false;

        Tensor g, logits;
        if (inner)
        {
            // aft-bilevel inner step: the model's features and outputs are constants; only the prior's
            // parameters receive gradients (through R), so only they move.
            using (no_grad())
            {
                g = _model.Features(x);
                logits = _model.Head(g);
            }
        }
        else
        {
            g = _model.Features(x);
            logits = _model.Head(g);
        }

        var ce = nn.functional.cross_entropy(logits, y);
        Tensor loss, r;
        if (_regulariser is null)
        {
            r = zeros_like(ce);
            loss = ce;
        }
        else
        {
            if (phi is null) throw new InvalidOperationException("a regularised step needs the batch's teacher features");
            r = _regulariser.Compute(g, phi);
            loss = ce + r * _lambda;
        }

        float[] stats;
        using (no_grad())
        {
            var correct = logits.argmax(1).eq(y).sum().to(ScalarType.Float32);
            stats = stack([loss.detach().to(ScalarType.Float32), ce.detach().to(ScalarType.Float32), r.detach().to(ScalarType.Float32), correct])
                .cpu().data<float>().ToArray();
        }
        if (!float.IsFinite(stats[0])) return stats;
        if (loss.requires_grad)
        {
            loss.backward();
            _optimizer.step();
        }
        return stats;
    }

    public void Dispose() => _optimizer.Dispose();
}
