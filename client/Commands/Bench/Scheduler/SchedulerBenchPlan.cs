using System.Security.Cryptography;
using System.Text;
using AftSweep.Contracts.Grid;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;

namespace AftSweep.Client.Commands.Bench.Scheduler;

/// <summary>
/// The benchmark's sweep: N stage-1 trials spread over cells of 10 lambdas x selection seeds, so every cell goes through
/// lambda selection (the aggregation path). No stage-2 seeds: those need SweepLedger.FinalTrial, and scheduling a
/// stage-2 trial is the same path as a stage-1 one. Ids are content hashes of a per-run nonce, so runs never collide.
/// </summary>
public static class SchedulerBenchPlan
{
    public const int LambdasPerCell = 10;

    public static SweepPlan Build(int trials, string nonce)
    {
        if (trials < 1) throw new ArgumentException($"--trials: must be at least 1, got {trials}");
        var dataset = new DatasetSpec
        {
            Name = "bench",
            Kind = DatasetKind.Vectors,
            Format = DatasetFormat.Npy,
            Train = new SplitSource { X = "x.npy", Y = "y.npy" },
            Test = new SplitSource { X = "xt.npy", Y = "yt.npy" },
        };
        var downstream = new DownstreamSpec { Model = "mlp" };
        var teacher = new TeacherRef("noise", "noise:8");
        var training = new ResolvedTraining { Steps = 1, BatchSize = 1, Optimizer = "adam", Lr = 1e-3, WeightDecay = 0, PriorLr = 1e-2, Device = "auto", InnerSteps = 5 };
        var cells = new List<CellPlan>();
        for (var start = 0; start < trials; start += LambdasPerCell * 10)
        {
            var cellIndex = cells.Count;
            var count = Math.Min(LambdasPerCell * 10, trials - start);
            var specs = Enumerable.Range(0, count).Select(i => new TrialSpec
            {
                Id = Hash($"{nonce}|{start + i}"),
                Stage = TrialStage.Selection,
                Method = MethodId.Aft,
                Lambda = 1 + (i % LambdasPerCell),
                Combo = [teacher],
                Seed = cellIndex * 100 + i / LambdasPerCell,
                Dataset = dataset,
                DatasetFingerprint = Hash("bench-dataset"),
                Downstream = downstream,
                Training = training,
                HoldoutFraction = 0.1,
                SplitSeed = 42,
            }).ToList();
            cells.Add(new CellPlan
            {
                Key = $"aft|noise#{cellIndex}",
                Method = MethodId.Aft,
                Combo = [teacher],
                SelectionTrials = specs,
                FinalSeeds = [],
                FinalTemplate = specs[0],
            });
        }
        var grid = new GridSpec
        {
            Name = $"bench-scheduler-{nonce}",
            Dataset = dataset,
            Downstream = downstream,
            Teachers = [teacher],
            Combos = [["noise"]],
            Methods = [new MethodSpec { Method = MethodId.Aft, Lambdas = Enumerable.Range(1, LambdasPerCell).Select(l => (double)l).ToList() }],
            Seeds = [],
            Training = new TrainingConfig(),
            Selection = new SelectionSpec(),
            BaseDirectory = Path.GetTempPath(),
        };
        return new SweepPlan { SweepId = Hash($"sweep|{nonce}"), Grid = grid, DatasetFingerprint = Hash("bench-dataset"), Cells = cells };
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
