using System.Security.Cryptography;
using System.Text;
using AftSweep.Contracts.Features;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;

namespace AftSweep.Tests.Cluster.Support;

/// <summary>One cell of a hand-built plan.</summary>
public sealed record TestCell(MethodId Method, double[] Lambdas, int[] SelectionSeeds, int[] FinalSeeds, string Combo = "t1");

/// <summary>
/// Small plans built directly (GridPlanner is another issue): content-addressed ids from the same fields the
/// planner hashes; stage-2 trials are the ledger's (<see cref="TestFinalTrials"/>).
/// </summary>
public static class TestPlans
{
    public static SweepPlan Build(string name, params TestCell[] cells)
    {
        var dataset = new DatasetSpec
        {
            Name = "synthetic",
            Kind = DatasetKind.Vectors,
            Format = DatasetFormat.Npy,
            Train = new SplitSource { X = "/data/x.npy", Y = "/data/y.npy" },
            Test = new SplitSource { X = "/data/xt.npy", Y = "/data/yt.npy" },
        };
        var downstream = new DownstreamSpec { Model = "mlp" };
        var teachers = cells.SelectMany(c => c.Combo.Split('+', StringSplitOptions.RemoveEmptyEntries)).Distinct()
            .Select(t => new TeacherRef(t, $"noise:{t.Length * 8}")).ToList();
        var grid = new GridSpec
        {
            Name = name,
            Dataset = dataset,
            Downstream = downstream,
            Teachers = teachers,
            Combos = cells.Select(c => (IReadOnlyList<string>)c.Combo.Split('+', StringSplitOptions.RemoveEmptyEntries)).ToList(),
            Methods = cells.Select(c => new MethodSpec { Method = c.Method, Lambdas = c.Lambdas }).ToList(),
            Seeds = cells.SelectMany(c => c.FinalSeeds).Distinct().ToList(),
            Training = new TrainingConfig(),
            Selection = new SelectionSpec(),
            BaseDirectory = "/data",
        };
        var cellPlans = cells.Select(c =>
        {
            var combo = c.Combo.Split('+', StringSplitOptions.RemoveEmptyEntries).Select(t => teachers.First(x => x.Name == t)).ToList();
            var template = Spec(name, c.Method, combo, TrialStage.Final, null, 0, dataset, downstream);
            return new CellPlan
            {
                Key = SweepLedger.CellKey(c.Method, string.Join("+", combo.Select(t => t.Name))),
                Method = c.Method,
                Combo = combo,
                SelectionTrials = c.Lambdas.SelectMany(l => c.SelectionSeeds.Select(s => Spec(name, c.Method, combo, TrialStage.Selection, l, s, dataset, downstream))).ToList(),
                FinalSeeds = c.FinalSeeds,
                FinalTemplate = template,
            };
        }).ToList();
        return new SweepPlan { SweepId = Hash($"sweep|{name}"), Grid = grid, DatasetFingerprint = Hash("dataset"), Cells = cellPlans };
    }

    public static TrialSpec Spec(string sweep, MethodId method, IReadOnlyList<TeacherRef> combo, TrialStage stage, double? lambda, int seed, DatasetSpec dataset, DownstreamSpec downstream) => new()
    {
        Id = Hash($"{sweep}|{method}|{string.Join("+", combo.Select(t => t.Name))}|{stage}|{lambda?.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}|{seed}"),
        Stage = stage,
        Method = method,
        Lambda = lambda,
        Combo = combo,
        Seed = seed,
        Dataset = dataset,
        DatasetFingerprint = Hash("dataset"),
        Downstream = downstream,
        Training = new ResolvedTraining { Steps = 10, BatchSize = 8, Optimizer = "adam", Lr = 1e-3, WeightDecay = 0, PriorLr = 1e-2, Device = "auto", InnerSteps = 5 },
        HoldoutFraction = 0.1,
        SplitSeed = 42,
    };

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];

    /// <summary>The feature-set keys (train and test) of one of the plan's teachers: what its trials read and a silo's cache reports.</summary>
    public static IReadOnlyList<string> FeatureKeysOf(SweepPlan plan, string teacher) =>
        FeatureSetId.Splits.Select(split => FeatureSetId.For(plan.Grid.Teachers.Single(t => t.Name == teacher), plan.DatasetFingerprint, split).Key).ToList();
}

/// <summary>Stage-2 trials of <see cref="TestPlans"/> plans: what the sweep's ledger plans (<see cref="SweepLedger.FinalTrial"/>).</summary>
public static class TestFinalTrials
{
    public static TrialSpec Create(CellPlan cell, double? lambda, int seed) => SweepLedger.FinalTrial(cell, lambda, seed);
}
