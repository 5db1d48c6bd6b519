using System.Net;
using AftSweep.Infra.Records;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace AftSweep.Infra.Orleans;

/// <summary>Clustering, grain storage and record store wiring shared by the silo host, the embedded host and clients.</summary>
public static class OrleansHostingExtensions
{
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
        return builder.UseAzureStorageClustering(o =>
        {
            o.TableServiceClient = new TableServiceClient(options.AzureStorageConnectionString);
            o.TableName = options.AzureClusteringTable;
        });
    }

    /// <summary>Grain state under <paramref name="name"/>: <see cref="FileGrainStorage"/> locally, Azure Blob otherwise.</summary>
    public static ISiloBuilder AddAftSweepGrainStorage(this ISiloBuilder builder, string name, StateStoreOptions state, ClusterConnectionOptions connection)
    {
        if (state.Store == StoreMode.Local)
        {
            return builder.AddFileGrainStorage(name, o =>
            {
                o.RootDirectory = state.GrainsFolder;
                o.FlushToDisk = state.FlushToDisk;
            });
        }
        RequireConnection(connection);
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

    /// <summary>The record store: a folder locally, a blob container on Azure.</summary>
    public static IServiceCollection AddAftSweepRecordStore(this IServiceCollection services, StateStoreOptions state, ClusterConnectionOptions connection)
    {
        services.TryAddSingleton<IRecordStore>(_ => CreateRecordStore(state, connection));
        return services;
    }

    public static IRecordStore CreateRecordStore(StateStoreOptions state, ClusterConnectionOptions connection)
    {
        if (state.Store == StoreMode.Local) return new FolderRecordStore(state.RecordsFolder, state.FlushToDisk);
        RequireConnection(connection);
        return new BlobRecordStore(new BlobContainerClient(connection.AzureStorageConnectionString, state.RecordsContainer));
    }

    private static void RequireConnection(ClusterConnectionOptions connection)
    {
        if (string.IsNullOrWhiteSpace(connection.AzureStorageConnectionString))
            throw new ArgumentException($"{ClusterConnectionOptions.Section}:{nameof(ClusterConnectionOptions.AzureStorageConnectionString)}: required when {StateStoreOptions.Section}:{nameof(StateStoreOptions.Store)} is Azure");
    }
}
