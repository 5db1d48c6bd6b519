using AftSweep.Client.Cluster;
using AftSweep.Grains.Options;
using AftSweep.Grains.Sweeps;
using AftSweep.Transfer.Training;
using AftSweep.Workers.Slots;
using Microsoft.Extensions.DependencyInjection;

namespace AftSweep.Tests.Cluster.Support;

/// <summary>Real in-process silos on a temp state folder, with short lease timings and the scripted executor.</summary>
public static class TestClusters
{
    public static SchedulingOptions FastScheduling(int maxAttempts = 3) => new()
    {
        MaxAttempts = maxAttempts,
        LeaseDuration = TimeSpan.FromSeconds(2),
        HeartbeatInterval = TimeSpan.FromMilliseconds(200),
        LongPollWait = TimeSpan.FromMilliseconds(500),
        ExpiryCheckInterval = TimeSpan.FromMilliseconds(200),
        ResyncInterval = TimeSpan.FromSeconds(2),
    };

    public static Task<LocalCluster> StartAsync(string stateFolder, ScriptedExecutor executor, CommitLog? log = null, int silos = 2, int slotsPerSilo = 2, SchedulingOptions? scheduling = null, string devices = "cpu") =>
        LocalCluster.StartAsync(new LocalClusterOptions
        {
            Silos = silos,
            StateFolder = stateFolder,
            Workers = new WorkerSlotOptions { Devices = devices, SlotsPerDevice = slotsPerSilo },
            Scheduling = scheduling ?? FastScheduling(),
            FastFailureDetection = true,
            ConfigureServices = (index, services) =>
            {
                services.AddSingleton<ITrialExecutor>(executor.ForSilo(index));
                if (log is not null) services.AddSingleton<IWorkerSlotObserver>(log);
            },
        });
}

/// <summary>A temp folder removed at the end of a test.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "aftsweep-tests", Guid.NewGuid().ToString("N"));

    public TempFolder() => Directory.CreateDirectory(Path);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
