using System.Reflection;
using AftSweep.Grains.Hosting;
using AftSweep.Infra.Orleans;
using AftSweep.Silo.Configuration;
using AftSweep.Silo.Startup;
using Microsoft.Extensions.Options;

namespace AftSweep.Silo;

/// <summary>
/// `aftsweep-silo`: --help and --version without starting anything; otherwise check the command line and the merged
/// configuration, wait for the primary (localhost clustering), start, and run until stopped. A setting it cannot use
/// or a cluster it cannot join is one line on stderr and exit 2 (AFTSWEEP_VERBOSE=1 adds the exception).
/// </summary>
public static class SiloProgram
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadConfiguration = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        if (SiloCommandLine.WantsHelp(args))
        {
            await stdout.WriteAsync(SiloCommandLine.Help());
            return Ok;
        }
        if (SiloCommandLine.WantsVersion(args))
        {
            await stdout.WriteLineAsync($"aftsweep-silo {Version}");
            return Ok;
        }

        WebApplication app;
        AftSweepSiloSettings settings;
        try
        {
            SiloCommandLine.Check(args);
            var builder = WebApplication.CreateBuilder(args);
            builder.AddAftSweepSilo(args);
            settings = AftSweepSiloSettings.From(builder.Configuration);
            app = builder.Build();
        }
        catch (Exception e) when (IsConfiguration(e))
        {
            return await ReportAsync(stderr, SiloConfigurationCheck.WithSwitches(Unwrap(e).Message), e, BadConfiguration);
        }

        await using (app)
        {
            app.MapAftSweepEndpoints();
            var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
            try
            {
                await PrimarySiloProbe.WaitAsync(settings.Cluster, JoinTimeout(app.Configuration), lifetime.ApplicationStopping);
                await app.StartAsync(lifetime.ApplicationStopping);
            }
            catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return Ok;
            }
            catch (SiloStartException e)
            {
                return await ReportAsync(stderr, e.Message, e, BadConfiguration);
            }
            catch (Exception e) when (IsConfiguration(e))
            {
                return await ReportAsync(stderr, SiloConfigurationCheck.WithSwitches(Unwrap(e).Message), e, BadConfiguration);
            }
            catch (Exception e)
            {
                // Orleans gave up joining (MaxJoinAttemptTime = --join-timeout), the membership store refused, a port was taken.
                return await ReportAsync(stderr, $"could not start the silo: {Membership(settings.Cluster)}: {OneLine(Innermost(e).Message)}", e, BadConfiguration);
            }
            await app.WaitForShutdownAsync();
            return Ok;
        }
    }

    public static string Version { get; } =
        (typeof(SiloProgram).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
         ?? typeof(SiloProgram).Assembly.GetName().Version?.ToString() ?? "0").Split('+')[0];

    public static TimeSpan JoinTimeout(IConfiguration configuration) =>
        configuration.GetValue(SiloHostSettings.JoinTimeoutKey, SiloHostSettings.DefaultJoinTimeout);

    /// <summary>What the silo joins through, for messages (no secrets).</summary>
    public static string Membership(ClusterConnectionOptions cluster) => cluster.Clustering switch
    {
        ClusteringMode.Localhost => cluster.SiloPort == cluster.PrimarySiloPort
            ? $"primary silo on 127.0.0.1:{cluster.SiloPort} (--silo-port), cluster '{cluster.ClusterId}'"
            : $"localhost cluster '{cluster.ClusterId}' through the primary 127.0.0.1:{cluster.PrimarySiloPort} (--primary-silo-port)",
        ClusteringMode.Postgres =>
            $"membership tables in {ClusterConnectionOptions.DescribePostgres(cluster.PostgresConnectionString)} (Cluster:PostgresConnectionString, " +
            $"default ${ClusterConnectionOptions.PostgresEnvironmentVariable}; `aftsweep db init` creates them), cluster '{cluster.ClusterId}'",
        _ => $"membership table '{cluster.AzureClusteringTable}' in the Azure Storage account of Cluster:AzureStorageConnectionString, cluster '{cluster.ClusterId}'",
    };

    private static bool IsConfiguration(Exception e) => Unwrap(e) is SiloConfigurationException or ArgumentException or OptionsValidationException or FormatException;

    private static Exception Unwrap(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException && e.InnerException is not null)
            e = e.InnerException!;
        return e;
    }

    /// <summary>The root cause: the Azure SDK wraps "Connection refused" in "Retry failed after 4 tries" and an aggregate.</summary>
    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    private static async Task<int> ReportAsync(TextWriter stderr, string message, Exception e, int code)
    {
        await stderr.WriteLineAsync($"error: {OneLine(message)}");
        if (Environment.GetEnvironmentVariable(SiloEnvironment.Verbose) is "1" or "true") await stderr.WriteLineAsync(e.ToString());
        return code;
    }
}
