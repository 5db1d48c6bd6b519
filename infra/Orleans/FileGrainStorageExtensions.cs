using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;

namespace AftSweep.Infra.Orleans;

public static class FileGrainStorageExtensions
{
    /// <summary>Registers <see cref="FileGrainStorage"/> under <paramref name="name"/>.</summary>
    public static ISiloBuilder AddFileGrainStorage(this ISiloBuilder builder, string name, Action<FileGrainStorageOptions> configure)
    {
        builder.Services.AddOptions<FileGrainStorageOptions>(name).Configure(configure).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<FileGrainStorageOptions>, FileGrainStorageOptionsValidator>();
        builder.Services.AddGrainStorage(name, (sp, n) => new FileGrainStorage(
            n,
            sp.GetRequiredService<IOptionsMonitor<FileGrainStorageOptions>>().Get(n),
            sp.GetRequiredService<ILogger<FileGrainStorage>>()));
        return builder;
    }
}
