using AftSweep.Grains.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AftSweep.Client.Cluster;

/// <summary>An in-process cluster: K silos with localhost clustering sharing one state database.</summary>
public sealed class LocalClusterOptions
{
    public int Silos { get; set; } = 1;
    /// <summary>The folder of the SQLite state database (aftsweep.db): grain state and records.</summary>
    public required string StateFolder { get; set; }
    public bool FlushToDisk { get; set; }
    public WorkerSlotOptions Workers { get; set; } = new();
    public SchedulingOptions Scheduling { get; set; } = new();
    public bool FastFailureDetection { get; set; }
    /// <summary>Per silo (index): register the ITrialExecutor and anything else the silo needs.</summary>
    public Action<int, IServiceCollection>? ConfigureServices { get; set; }
    public Action<ILoggingBuilder>? ConfigureLogging { get; set; }
    /// <summary>Per silo (index): adjust the silo's settings, e.g. Azure Table clustering and Azure Blob state against Azurite.</summary>
    public Action<int, Grains.Hosting.AftSweepSiloSettings>? ConfigureSettings { get; set; }
}
