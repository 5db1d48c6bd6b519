using System.Net.Sockets;

namespace AftSweep.Infra.Orleans;

/// <summary>
/// Failures of a grain call that another try may not meet: a silo that just died or is not yet declared dead, a
/// gateway connection that broke, a call that timed out while membership caught up. Anything else (a grain's own
/// ArgumentException, a bug) is not retried.
/// </summary>
public static class TransientClusterFailures
{
    public static bool IsTransient(Exception e) => e switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or GatewayTooBusyException => true,
        global::Orleans.Runtime.Messaging.ConnectionFailedException or global::Orleans.Networking.Shared.SocketConnectionException => true,
        TimeoutException or SocketException => true,
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(IsTransient),
        // "Unable to connect to S127.0.0.1:21112" and "No gateways available" come as plain OrleansExceptions whose cause says more.
        OrleansException { InnerException: { } inner } => IsTransient(inner),
        OrleansException o => o.Message.Contains("connect", StringComparison.OrdinalIgnoreCase) || o.Message.Contains("gateway", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };
}
