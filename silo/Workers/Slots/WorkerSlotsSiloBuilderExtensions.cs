using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AftSweep.Workers.Slots;

public static class WorkerSlotsSiloBuilderExtensions
{
    /// <summary>
    /// Runs this silo's worker slots (the Workers section of the silo's settings, registered by AddAftSweep) once the
    /// silo is active. The slots run the registered <see cref="Transfer.Training.ITrialExecutor"/> (AddAftSweepEngine, or
    /// a test's) and, when one is registered, an <see cref="IFeatureExtractionRunner"/>; an <see cref="IFeatureCacheProbe"/>
    /// reports the local cache to the dispatcher (none by default).
    /// </summary>
    public static ISiloBuilder AddAftSweepWorkerSlots(this ISiloBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton<IFeatureCacheProbe, NoFeatureCache>();
        services.AddSingleton<WorkerSlots>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<WorkerSlots>());
        return builder;
    }
}
