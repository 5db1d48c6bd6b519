using AftSweep.Contracts.Cluster;
using AftSweep.Contracts.Methods;
using AftSweep.Contracts.Protocol;
using AftSweep.Contracts.Trials;
using AftSweep.Tests.Cluster.Support;
using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.Cluster;

public sealed class SweepProtocolTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sweep_TwoSilosTwoStages_ChoosesSmallerTiedLambdaAndAggregatesSeeds()
    {
        using var temp = new TempFolder();
        var executor = new ScriptedExecutor
        {
            // Lambdas 0.1 and 1 tie on holdout; 10 is worse. Final seeds score 0.80, 0.82, 0.87.
            Accuracy = s => s.Stage == TrialStage.Selection
                ? (s.Lambda == 10 ? 0.6 : 0.7)
                : 0.80 + (s.Seed == 0 ? 0 : s.Seed == 1 ? 0.02 : 0.07),
        };
        var plan = TestPlans.Build("two-stage",
            new TestCell(MethodId.Aft, [10, 1, 0.1], [0], [0, 1, 2]),
            new TestCell(MethodId.Stl, [], [], [0, 1], Combo: ""));
        await using (var cluster = await TestClusters.StartAsync(temp.Path, executor))
        {
            var submitted = await cluster.Sweeps.SubmitAsync(plan);
            Assert.True(submitted.Created);
            Assert.Equal(3 + 3 + 2, submitted.TotalTrials);

            var status = await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: new CancellationTokenSource(Limit).Token);

            Assert.Equal(SweepPhase.Completed, status.Phase);
            Assert.Equal(8, status.Trials.Succeeded);
            var aft = status.Cells.Single(c => c.Key == "aft|t1");
            Assert.Equal(0.1, aft.Choice!.Lambda);
            Assert.Equal(3, aft.Result.Final.Count);
            Assert.Equal(0.83, aft.Result.Final.Mean, 12);
            // sd = sqrt(((-.03)^2 + (-.01)^2 + .04^2) / 2) = sqrt(0.0013); se = sd / sqrt(3)
            Assert.Equal(Math.Sqrt(0.0013) / Math.Sqrt(3), aft.Result.Final.StandardError!.Value, 12);
            Assert.False(aft.Result.Final.Flagged);
            var stl = status.Cells.Single(c => c.Key == "stl|");
            Assert.Null(stl.Choice);
            Assert.True(stl.Result.Final.Flagged);
            Assert.Equal(8, executor.TotalExecutions);
        }

        // The tables come back from the records alone, without the cluster.
        var records = new List<TrialRecord>();
        await foreach (var r in StateFolderRecords.ReadAllAsync(temp.Path, plan.SweepId)) records.Add(r);
        Assert.Equal(8, records.Count);
        var rebuilt = SweepTables.FromRecords(records).Single(c => c.Key == "aft|t1");
        Assert.Equal(0.1, rebuilt.Choice!.Lambda);
        Assert.Equal(0.83, rebuilt.Final.Mean, 12);
        Assert.All(records.Where(r => r.Spec.Stage == TrialStage.Final && r.Spec.Method == MethodId.Aft), r => Assert.Equal(0.1, r.Spec.Lambda));
    }

    [Fact]
    public async Task Submit_SamePlanTwiceConcurrently_OneSweepNoDuplicateTrials()
    {
        using var temp = new TempFolder();
        var executor = new ScriptedExecutor();
        var log = new CommitLog();
        var plan = TestPlans.Build("concurrent", new TestCell(MethodId.Kd, [1, 2], [0, 1], [0, 1, 2]));
        await using var cluster = await TestClusters.StartAsync(temp.Path, executor, log);

        var submissions = await Task.WhenAll(
            cluster.Sweeps.SubmitAsync(plan),
            new Client.Cluster.SweepClient(cluster.Services(1).GetService(typeof(IClusterClient)) as IClusterClient ?? throw new InvalidOperationException()).SubmitAsync(plan));
        var status = await cluster.Sweeps.WaitForCompletionAsync(plan.SweepId, pollInterval: TimeSpan.FromMilliseconds(100), cancellationToken: new CancellationTokenSource(Limit).Token);

        Assert.Equal(plan.SweepId, submissions[0].SweepId);
        Assert.Equal(plan.SweepId, submissions[1].SweepId);
        Assert.Equal(1, submissions.Count(s => s.Created));
        Assert.Equal(7, status.Trials.Succeeded);
        Assert.Equal(7, status.Trials.Total);
        Assert.All(executor.AllExecutions, e => Assert.Equal(1, e.Value));
        Assert.Equal(7, executor.AllExecutions.Count);
        Assert.Equal(7, log.Commits.Count(c => c.Reply == CommitReply.Accepted));
    }
}
