using AftSweep.Client.Cluster;
using AftSweep.Infra.Orleans;

namespace AftSweep.Client.Commands.ClusterAccess;

/// <summary>
/// Connects to the cluster a verb names, runs the verb's body, and turns the cluster's bad-input failures into exit 2
/// with a message: an unreachable cluster (what was tried and how to start a silo), an unknown sweep, a bad --cluster.
/// Calls ride out a silo failing over for --retry-for seconds, with a note on stderr while they wait.
/// </summary>
public static class ClusterVerb
{
    public const string StartHint = "hint: start a silo with `dotnet run --project silo` (or `aftsweep-silo`; see docs/cluster.md), " +
                                    "pass --cluster localhost:PORT / --cluster-id ID to match it, or use `aftsweep run GRID` for the embedded cluster";

    public static Task<int> RunAsync(ClusterSettings settings, CliOutput output, Func<SweepClient, Task<int>> body, CancellationToken cancellationToken) =>
        RunAsync(settings, output, (connection, _) => body(connection.Sweeps), cancellationToken);

    /// <summary>The same, for verbs that need more of the connection than its <see cref="SweepClient"/> (submit stages files through it).</summary>
    public static async Task<int> RunAsync(ClusterSettings settings, CliOutput output, Func<ClusterConnection, ClusterCallResilience, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            var options = ClusterTarget.Resolve(settings.Cluster, settings.ClusterId);
            var resilience = Resilience(settings, output);
            await using var connection = await ClusterConnection.ConnectAsync(options, resilience: resilience, cancellationToken: cancellationToken);
            return await body(connection, resilience);
        }
        catch (ClusterUnreachableException e)
        {
            await output.Error.WriteLineAsync($"error: {e.Message}");
            await output.Error.WriteLineAsync(StartHint);
            return ExitCodes.BadInput;
        }
        catch (ClusterCallFailedException e)
        {
            await output.Error.WriteLineAsync($"error: {e.Message}; no gateway of the cluster answered for --retry-for {settings.RetryWindow.TotalSeconds:0} s");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is SweepNotFoundException or ArgumentException)
        {
            await output.Error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
    }

    /// <summary>The failover pipeline of a verb: its --retry-for window, notes on stderr.</summary>
    public static ClusterCallResilience Resilience(ClusterSettings settings, CliOutput output) =>
        new(settings.RetryWindow, note =>
        {
            lock (output.Error) output.Error.WriteLine(note);
        });
}
