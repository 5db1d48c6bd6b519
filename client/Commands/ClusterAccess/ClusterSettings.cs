using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace AftSweep.Client.Commands.ClusterAccess;

/// <summary>The options every cluster verb shares.</summary>
public class ClusterSettings : CommandSettings
{
    public const double DefaultRetryForSeconds = 60;

    [CommandOption("--cluster <CLUSTER>")]
    [Description("localhost, localhost:PORT[[,PORT...]], postgres ($AFTSWEEP_POSTGRES), postgres:CONNECTION_STRING, postgres:ENV_VAR, azure:CONNECTION_STRING or azure:ENV_VAR. Default: $AFTSWEEP_CLUSTER, else localhost (gateway 30000).")]
    public string? Cluster { get; init; }

    [CommandOption("--cluster-id <ID>")]
    [Description("The cluster id the silos were started with. Default: $AFTSWEEP_CLUSTER_ID, else aftsweep.")]
    public string? ClusterId { get; init; }

    [CommandOption("--retry-for <SECONDS>")]
    [Description("How long to keep retrying when a connected cluster stops answering (a silo failing over) before giving up. Default 60.")]
    public double? RetryFor { get; init; }

    public TimeSpan RetryWindow => TimeSpan.FromSeconds(RetryFor ?? DefaultRetryForSeconds);

    public override ValidationResult Validate() =>
        RetryFor is < 0 or > 86400 ? ValidationResult.Error($"--retry-for: must be between 0 and 86400 seconds, got {RetryFor}") : ValidationResult.Success();
}
