using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AftSweep.Infra.Orleans;
using AftSweep.Silo.Configuration;

namespace AftSweep.Silo.Startup;

/// <summary>
/// Localhost clustering: a silo that is not the primary joins through the primary's silo port. Orleans would retry a
/// missing primary for minutes with nothing but connection warnings; this waits a bounded time for the port to accept
/// connections and otherwise says, in one line, what it tried and which switch sets it.
/// </summary>
public static class PrimarySiloProbe
{
    /// <exception cref="SiloStartException">No primary listened within <paramref name="timeout"/>.</exception>
    public static async Task WaitAsync(ClusterConnectionOptions cluster, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (cluster.Clustering != ClusteringMode.Localhost || cluster.SiloPort == cluster.PrimarySiloPort) return;
        var primary = new IPEndPoint(IPAddress.Loopback, cluster.PrimarySiloPort);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var client = new TcpClient();
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(TimeSpan.FromSeconds(2));
                await client.ConnectAsync(primary, attempt.Token);
                return;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (clock.Elapsed >= timeout)
                {
                    throw new SiloStartException(
                        $"cannot reach the primary silo at {primary} (set by --primary-silo-port) within {timeout.TotalSeconds:0} s (--join-timeout); " +
                        $"this silo (--silo-port {cluster.SiloPort}) is not the primary: start the primary first, " +
                        $"or pass --primary-silo-port {cluster.SiloPort} to make this silo the primary");
                }
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }
}
