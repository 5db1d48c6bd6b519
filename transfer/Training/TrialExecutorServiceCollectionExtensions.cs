using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AftSweep.Transfer.Training;

public static class TrialExecutorServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="TrialExecutor"/> as the <see cref="ITrialExecutor"/>. The host must also register an
    /// <c>IDatasetLoader</c> and an <c>IFeatureSource</c> (and optionally an <c>IArtifactCache</c> for ft).
    /// </summary>
    public static IServiceCollection AddTrialExecutor(this IServiceCollection services, Action<TrialExecutorOptions>? configure = null)
    {
        var options = services.AddOptions<TrialExecutorOptions>();
        if (configure is not null) options.Configure(configure);
        options.Validate(o =>
        {
            o.Validate();
            return true;
        });
        services.AddSingleton<ITrialExecutor>(sp => ActivatorUtilities.CreateInstance<TrialExecutor>(sp));
        return services;
    }
}
