using AftSweep.Grains.Hosting;
using AftSweep.Infra.Storage;
using AftSweep.Silo;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace AftSweep.Tests.Storage;

/// <summary>Issue 16 item 7: the silo's feature store default is the state folder's store, as `aftsweep run`'s is.</summary>
public sealed class OneStoreDefaultTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Silo_WithoutStore_UsesItsStateFoldersStore_LikeRun()
    {
        var config = Config(("State:Folder", "/srv/aft/state"));
        var engine = SiloHostExtensions.EngineSettings(config, AftSweepSiloSettings.From(config));

        // $AFTSWEEP_STORAGE, when the environment running the tests sets it, wins (the engine resolves a null store from it).
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(StoreLocation.EnvironmentVariable)))
            Assert.Equal(Path.Combine("/srv/aft/state", "store"), engine.Store);
        else
            Assert.Null(engine.Store);
    }

    [Fact]
    public void Silo_DefaultStateFolder_IsTheStoreFeaturesLsReads()
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(StoreLocation.EnvironmentVariable))) return;
        var config = Config();
        var engine = SiloHostExtensions.EngineSettings(config, AftSweepSiloSettings.From(config));

        Assert.Equal(StoreLocation.Resolve(null).Directory, StoreLocation.Resolve(engine.Store).Directory);
    }

    [Fact]
    public void Silo_ExplicitStore_Wins()
    {
        var config = Config(("State:Folder", "/srv/aft/state"), ("Engine:Store", "/data/features"));
        Assert.Equal("/data/features", SiloHostExtensions.EngineSettings(config, AftSweepSiloSettings.From(config)).Store);
    }
}
