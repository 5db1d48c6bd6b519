using System.Net;
using AftSweep.Infra.Database;
using AftSweep.Infra.Records;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Runtime.Hosting;
using Orleans.Storage;

namespace AftSweep.Infra.Orleans;

/// <summary>Clustering, grain storage and record store wiring shared by the silo host, the embedded host and clients.</summary>
public static class OrleansHostingExtensions
{
    /// <summary>The ADO.NET provider invariant Orleans' clustering provider loads Npgsql by.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    public static ISiloBuilder UseAftSweepClustering(this ISiloBuilder builder, ClusterConnectionOptions options)
    {
        ClusterConnectionOptionsValidator.ThrowIfInvalid(options);
        builder.UseAftSweepTls(options);
        if (options.Clustering == ClusteringMode.Localhost)
        {
            var primary = options.SiloPort == options.PrimarySiloPort ? null : new IPEndPoint(IPAddress.Loopback, options.PrimarySiloPort);
            return builder.UseLocalhostClustering(options.SiloPort, options.GatewayPort, primary, options.ServiceId, options.ClusterId);
        }

        builder.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        builder.ConfigureEndpoints(IPAddress.Parse(options.Address), options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
        if (options.Clustering == ClusteringMode.Postgres)
        {
            return builder.UseAdoNetClustering(o =>
            {
                o.Invariant = NpgsqlInvariant;
                o.ConnectionString = options.PostgresConnectionString!;
            });
        }
        return builder.UseAzureStorageClustering(o =>
        {
            o.TableServiceClient = new TableServiceClient(options.AzureStorageConnectionString);
            o.TableName = options.AzureClusteringTable;
        });
    }

    public static IClientBuilder UseAftSweepClustering(this IClientBuilder builder, ClusterConnectionOptions options)
    {
        ClusterConnectionOptionsValidator.ThrowIfInvalid(options);
        builder.UseAftSweepTls(options);
        if (options.Clustering == ClusteringMode.Localhost)
            return builder.UseLocalhostClustering(options.ClientGatewayPorts.ToArray(), options.ServiceId, options.ClusterId);

        builder.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        if (options.Clustering == ClusteringMode.Postgres)
        {
            return builder.UseAdoNetClustering(o =>
            {
                o.Invariant = NpgsqlInvariant;
                o.ConnectionString = options.PostgresConnectionString!;
            });
        }
        return builder.UseAzureStorageClustering(o =>
        {
            o.TableServiceClient = new TableServiceClient(options.AzureStorageConnectionString);
            o.TableName = options.AzureClusteringTable;
        });
    }

    /// <summary>
    /// Grain state under <paramref name="name"/>: the state database (SQLite in the state folder, or PostgreSQL) through
    /// <see cref="DatabaseGrainStorage"/>, else Azure Blob.
    /// </summary>
    public static ISiloBuilder AddAftSweepGrainStorage(this ISiloBuilder builder, string name, StateStoreOptions state, ClusterConnectionOptions connection)
    {
        if (state.Store is StoreMode.Local or StoreMode.Postgres)
        {
            builder.Services.AddAftSweepStateDatabase(state, connection);
            builder.Services.AddGrainStorage(name, (sp, n) => new DatabaseGrainStorage(
                n, sp.GetRequiredService<StateDatabaseLease>().Database, sp.GetRequiredService<ILogger<DatabaseGrainStorage>>()));
            builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, StateDatabaseStartup>();
            return builder;
        }
        RequireAzure(connection);
        // Orleans' own serializer, not the default Newtonsoft JSON: grain state types are [GenerateSerializer] records, and
        // the JSON serializer's $type allow-list rejects types nested in them (a sweep plan's MethodInfo), so a sweep's
        // state written to Azure could not be read back.
        return builder.AddAzureBlobGrainStorage(name, (OptionsBuilder<AzureBlobStorageOptions> options) => options.Configure<Serializer>((o, serializer) =>
        {
            o.BlobServiceClient = new BlobServiceClient(connection.AzureStorageConnectionString);
            o.ContainerName = state.GrainStateContainer;
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
    }

    /// <summary>The record store: the state database's records table, or a blob container on Azure.</summary>
    public static IServiceCollection AddAftSweepRecordStore(this IServiceCollection services, StateStoreOptions state, ClusterConnectionOptions connection)
    {
        if (state.Store is StoreMode.Local or StoreMode.Postgres)
        {
            services.AddAftSweepStateDatabase(state, connection);
            services.TryAddSingleton<IRecordStore>(sp => new DatabaseRecordStore(sp.GetRequiredService<StateDatabaseLease>().Database));
            return services;
        }
        RequireAzure(connection);
        services.TryAddSingleton<IRecordStore>(_ => new BlobRecordStore(new BlobContainerClient(connection.AzureStorageConnectionString, state.RecordsContainer)));
        return services;
    }

    /// <summary>This host's use of the shared state database (released when the host's services are disposed).</summary>
    public static IServiceCollection AddAftSweepStateDatabase(this IServiceCollection services, StateStoreOptions state, ClusterConnectionOptions connection)
    {
        services.TryAddSingleton(sp => OpenStateDatabase(state, connection, sp.GetService<ILoggerFactory>()));
        return services;
    }

    /// <summary>A lease on the state database the options name (SQLite in the state folder, or PostgreSQL).</summary>
    public static StateDatabaseLease OpenStateDatabase(StateStoreOptions state, ClusterConnectionOptions connection, ILoggerFactory? loggers = null)
    {
        if (state.Store == StoreMode.Postgres)
        {
            if (ClusterConnectionOptionsValidator.PostgresConnectionProblem(connection.PostgresConnectionString, $"when {StateStoreOptions.Section}:{nameof(StateStoreOptions.Store)} is Postgres") is { } problem)
                throw new ArgumentException(problem);
            return StateDatabases.Postgres(connection.PostgresConnectionString!, loggers);
        }
        if (state.Store != StoreMode.Local)
            throw new ArgumentException($"{StateStoreOptions.Section}:{nameof(StateStoreOptions.Store)}: {state.Store} keeps no state database");
        return StateDatabases.Sqlite(state.Folder, state.FlushToDisk, loggers);
    }

    private static void RequireAzure(ClusterConnectionOptions connection)
    {
        if (string.IsNullOrWhiteSpace(connection.AzureStorageConnectionString))
            throw new ArgumentException($"{ClusterConnectionOptions.Section}:{nameof(ClusterConnectionOptions.AzureStorageConnectionString)}: required when {StateStoreOptions.Section}:{nameof(StateStoreOptions.Store)} is Azure");
    }
}
