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
        var dataset = Dataset("bench");
        var fingerprint = Hash("bench-dataset");
        var teacher = new TeacherRef("noise", "noise:8");
        var cells = new List<CellPlan>();
        for (var start = 0; start < trials; start += LambdasPerCell * 10)
        {
            var cellIndex = cells.Count;
            var count = Math.Min(LambdasPerCell * 10, trials - start);
            var specs = Enumerable.Range(0, count)
                .Select(i => SelectionTrial(Hash($"{nonce}|{start + i}"), 1 + (i % LambdasPerCell), teacher, cellIndex * 100 + i / LambdasPerCell, dataset, fingerprint))
                .ToList();
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
        var grid = Grid($"bench-scheduler-{nonce}", dataset, [teacher], Enumerable.Range(1, LambdasPerCell).Select(l => (double)l).ToList());
        return new SweepPlan { SweepId = Hash($"sweep|{nonce}"), Grid = grid, DatasetFingerprint = fingerprint, Cells = cells };
    }

    // The pieces every scheduler benchmark's sweep is made of (this one and LocalityBench's): aft selection trials of a
    // one-step mlp on a vectors dataset whose files no trial reads.

    /// <summary>A vectors dataset named <paramref name="name"/> (its files are never read: bench executors train nothing).</summary>
    internal static DatasetSpec Dataset(string name) => new()
    {
        Name = name,
        Kind = DatasetKind.Vectors,
        Format = DatasetFormat.Npy,
        Train = new SplitSource { X = "x.npy", Y = "y.npy" },
        Test = new SplitSource { X = "xt.npy", Y = "yt.npy" },
    };

    private static readonly DownstreamSpec Downstream = new() { Model = "mlp" };

    private static readonly ResolvedTraining Training = new()
    {
        Steps = 1, BatchSize = 1, Optimizer = "adam", Lr = 1e-3, WeightDecay = 0, PriorLr = 1e-2, Device = "auto", InnerSteps = 5,
    };

    /// <summary>An aft selection trial on one teacher.</summary>
    internal static TrialSpec SelectionTrial(string id, double lambda, TeacherRef teacher, int seed, DatasetSpec dataset, string datasetFingerprint) => new()
    {
        Id = id,
        Stage = TrialStage.Selection,
        Method = MethodId.Aft,
        Lambda = lambda,
        Combo = [teacher],
        Seed = seed,
        Dataset = dataset,
        DatasetFingerprint = datasetFingerprint,
        Downstream = Downstream,
        Training = Training,
        HoldoutFraction = 0.1,
        SplitSeed = 42,
    };

    /// <summary>The grid a benchmark sweep reports: aft over <paramref name="lambdas"/>, one combo per teacher.</summary>
    internal static GridSpec Grid(string name, DatasetSpec dataset, IReadOnlyList<TeacherRef> teachers, IReadOnlyList<double> lambdas) => new()
    {
        Name = name,
        Dataset = dataset,
        Downstream = Downstream,
        Teachers = teachers,
        Combos = teachers.Select(t => (IReadOnlyList<string>)[t.Name]).ToList(),
        Methods = [new MethodSpec { Method = MethodId.Aft, Lambdas = lambdas }],
        Seeds = [],
        Training = new TrainingConfig(),
        Selection = new SelectionSpec(),
        BaseDirectory = Path.GetTempPath(),
    };

    /// <summary>32 hex characters of sha256: trial and sweep ids from a per-run nonce.</summary>
    internal static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
