using System.ComponentModel;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.ClusterAccess;

/// <summary>The options every cluster verb shares.</summary>
public class ClusterSettings : CommandSettings
{
    [CommandOption("--cluster <CLUSTER>")]
    [Description("localhost, localhost:PORT[[,PORT...]], postgres ($AFTSWEEP_POSTGRES), postgres:CONNECTION_STRING or azure:CONNECTION_STRING. Default: $AFTSWEEP_CLUSTER, else localhost (gateway 30000).")]
    public string? Cluster { get; init; }

    [CommandOption("--cluster-id <ID>")]
    [Description("The cluster id the silos were started with. Default: $AFTSWEEP_CLUSTER_ID, else aftsweep.")]
    public string? ClusterId { get; init; }
}
