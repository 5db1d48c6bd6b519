using System.ComponentModel;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands;

/// <summary>The target of the verbs that read trial records (results, plot): a records folder or a sweep on a cluster.</summary>
public abstract class RecordSourceSettings : CommandSettings
{
    [CommandArgument(0, "<RECORDS_DIR_OR_SWEEP>")]
    [Description("A folder of trial record files (one <trial>.json per trial), or a sweep id (or at least 8 of its first characters) on the cluster (--cluster).")]
    public string Target { get; init; } = "";

    [CommandOption("--cluster <CLUSTER>")]
    [Description("Where a sweep id is read from: localhost, localhost:PORT[[,PORT...]], postgres ($AFTSWEEP_POSTGRES), postgres:CONNECTION_STRING, postgres:ENV_VAR, azure:CONNECTION_STRING or azure:ENV_VAR. Default: $AFTSWEEP_CLUSTER, else localhost.")]
    public string? Cluster { get; init; }

    [CommandOption("--cluster-id <ID>")]
    [Description("The cluster id the silos were started with. Default: $AFTSWEEP_CLUSTER_ID, else aftsweep.")]
    public string? ClusterId { get; init; }
}
