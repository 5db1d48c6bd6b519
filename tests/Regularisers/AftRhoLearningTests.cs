using AftSweep.Transfer.Regularisers;
using TorchSharp;
using static TorchSharp.torch;

namespace AftSweep.Tests.Regularisers;

public sealed class AftRhoLearningTests
{
    /// <summary>
    /// The paper's robustness claim on a small synthetic task: a teacher block that encodes the label and a block of
    /// pure noise, AFT trained jointly with a linear model on the real labels. s should learn to down-weight the noise.
    /// </summary>
    [Fact]
    public void Aft_InformativeAndNoiseTeacherBlocks_RhoOfInformativeBlockEndsClearlyHigher()
    {
        using var outer = NewDisposeScope();
        const int rows = 384, classes = 3, inputDim = 10, informativeDim = 8, noiseDim = 8, batch = 64, epochs = 25;
        const double beta = 1.0;
        manual_seed(31);
        var gen = new Generator(31);
        var labels = randint(classes, [rows], generator: gen);
        var oneHot = nn.functional.one_hot(labels, classes).to(ScalarType.Float32);
        // Student input and informative teacher block: different random embeddings of the class plus noise.
        var x = oneHot.mm(randn(classes, inputDim, generator: gen) * 2) + randn(rows, inputDim, generator: gen);
        var informative = oneHot.mm(randn(classes, informativeDim, generator: gen) * 2) + 0.3f * randn(rows, informativeDim, generator: gen);
        var noise = randn(rows, noiseDim, generator: gen);
        var phi = cat([informative, noise], 1);

        var features = nn.Linear(inputDim, 8);
        var head = nn.Linear(8, classes);
        var aft = new AftRegulariser(informativeDim + noiseDim);
        var modelParameters = features.parameters().Concat(head.parameters());
        var optimizer = optim.Adam(modelParameters, lr: 1e-2);
        var priorOptimizer = optim.Adam(aft.parameters(), lr: 1e-2);      // the prior group: its own lr, no decay

        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var order = randperm(rows, generator: gen);
            for (var start = 0; start < rows; start += batch)
            {
                using var step = NewDisposeScope();
                var index = order.narrow(0, start, batch);
                var g = features.forward(x.index_select(0, index));
                var ce = nn.functional.cross_entropy(head.forward(g), labels.index_select(0, index));
                var loss = ce + beta * aft.Compute(g, phi.index_select(0, index));
                optimizer.zero_grad();
                priorOptimizer.zero_grad();
                loss.backward();
                optimizer.step();
                priorOptimizer.step();
            }
        }

        var rho = aft.LearnedRho()!;
        var summary = RhoSummary.ByTeacher(rho, [informativeDim, noiseDim], ["informative", "noise:8"]);
        var informativeMean = summary[0].Mean;
        var noiseMean = summary[1].Mean;
        Assert.True(informativeMean - noiseMean > 0.1,
            $"mean rho: informative {informativeMean:F3}, noise {noiseMean:F3}");
    }
}
