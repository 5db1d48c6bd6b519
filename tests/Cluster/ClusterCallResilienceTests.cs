using AftSweep.Infra.Orleans;

namespace AftSweep.Tests.Cluster;

/// <summary>The client's failover pipeline: which failures are retried, for how long, and what the user is told.</summary>
public sealed class ClusterCallResilienceTests
{
    [Fact]
    public async Task TransientFailures_AreRetriedUntilTheCallSucceeds_WithANoteAndARecoveryNote()
    {
        var notes = new List<string>();
        var calls = 0;
        var resilience = new ClusterCallResilience(TimeSpan.FromSeconds(30), notes.Add);

        var result = await resilience.CallAsync(_ => ++calls switch
        {
            1 => throw new SiloUnavailableException("silo S127.0.0.1:21112 is unavailable"),
            2 => throw new OrleansException("Unable to connect to S127.0.0.1:21112", new Orleans.Runtime.Messaging.ConnectionFailedException("refused")),
            3 => throw new TimeoutException("response did not arrive on time"),
            _ => Task.FromResult(42),
        });

        Assert.Equal(42, result);
        Assert.Equal(4, calls);
        Assert.Equal(2, notes.Count);
        Assert.StartsWith("note: the cluster did not answer (SiloUnavailableException: silo S127.0.0.1:21112 is unavailable); retrying for up to 30 s", notes[0]);
        Assert.StartsWith("note: the cluster answered again after ", notes[1]);
    }

    [Fact]
    public async Task TransientFailuresOutlastingTheWindow_FailWithHowLongItWaited()
    {
        var resilience = new ClusterCallResilience(TimeSpan.FromSeconds(1));
        var calls = 0;

        var e = await Assert.ThrowsAsync<ClusterCallFailedException>(() => resilience.CallAsync<int>(_ =>
        {
            calls++;
            throw new SiloUnavailableException("gone");
        }));

        Assert.True(calls >= 2, $"{calls} calls");
        Assert.StartsWith("the cluster did not answer for ", e.Message);
        Assert.IsType<SiloUnavailableException>(e.InnerException);
    }

    [Fact]
    public async Task NonTransientFailures_PropagateAtOnce()
    {
        var notes = new List<string>();
        var resilience = new ClusterCallResilience(TimeSpan.FromSeconds(30), notes.Add);
        var calls = 0;

        await Assert.ThrowsAsync<ArgumentException>(() => resilience.CallAsync<int>(_ =>
        {
            calls++;
            throw new ArgumentException("trial 'x' is not part of sweep y");
        }));

        Assert.Equal(1, calls);
        Assert.Empty(notes);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Transient_ClassifiesOrleansConnectionFailures(bool wrapped)
    {
        Exception e = new Orleans.Runtime.Messaging.ConnectionFailedException("Unable to connect to S127.0.0.1:21112");
        if (wrapped) e = new AggregateException(e);

        Assert.True(TransientClusterFailures.IsTransient(e));
        Assert.False(TransientClusterFailures.IsTransient(new InvalidOperationException("no sweep")));
        Assert.False(TransientClusterFailures.IsTransient(new OrleansException("grain threw", new ArgumentException("bad"))));
    }
}
