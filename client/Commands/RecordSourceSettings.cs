using System.ComponentModel;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands;

/// <summary>The options of the verbs that read trial records (results, plot): which sweep of a folder, the cluster a sweep id is read from.</summary>
public abstract class RecordSourceSettings : CommandSettings
{
    public const string TargetHelp =
        "An output folder (what `run` wrote: records/ and results.json), a state folder (aftsweep.db; read-only, also while a `run` uses it), " +
        "a folder of trial record files (<trial>.json), or a sweep id (or at least 8 of its first characters) on the cluster (--cluster).";

    [CommandOption("--sweep <ID>")]
    [Description("Which sweep of a folder that holds several (a state folder shared by several grids): its id or at least 8 of its first characters.")]
    public string? Sweep { get; init; }

    [CommandOption("--cluster <CLUSTER>")]
    [Description("Where a sweep id is read from: localhost, localhost:PORT[[,PORT...]], postgres ($AFTSWEEP_POSTGRES), postgres:CONNECTION_STRING, postgres:ENV_VAR, azure:CONNECTION_STRING or azure:ENV_VAR. Default: $AFTSWEEP_CLUSTER, else localhost.")]
    public string? Cluster { get; init; }

    [CommandOption("--cluster-id <ID>")]
    [Description("The cluster id the silos were started with. Default: $AFTSWEEP_CLUSTER_ID, else aftsweep.")]
    public string? ClusterId { get; init; }
}
