using AftSweep.Infra.Storage;
using AftSweep.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace AftSweep.Tests.Storage;

public sealed class StoreConfigurationTests
{
    private const string Conn = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AzuriteFixture.AccountKey +
        ";BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;";

    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void StoreLocation_NothingSet_IsTheDefaultLocalFolder()
    {
        var l = StoreLocation.Resolve(null, Env(), "/work/x");
        Assert.Equal(StoreBackend.Local, l.Backend);
        Assert.Equal("/work/x/.aftsweep/state/store", l.Directory);
    }

    [Fact]
    public void StoreLocation_EnvironmentVariable_IsUsedWhenNoOption()
    {
        var l = StoreLocation.Resolve(null, Env((StoreLocation.EnvironmentVariable, "local:/srv/feat")));
        Assert.Equal("/srv/feat", l.Directory);
        Assert.Equal(StoreLocation.EnvironmentVariable, l.Source);
    }

    [Fact]
    public void StoreLocation_AzureNamingAnEnvironmentVariable_ReadsItAndNeverPrintsIt()
    {
        var l = StoreLocation.Resolve("azure:MY_CONN", Env(("MY_CONN", Conn)));
        Assert.Equal(StoreBackend.Azure, l.Backend);
        Assert.Equal(Conn, l.ConnectionString);
        Assert.DoesNotContain("AccountKey", l.ToString());
        Assert.Contains("MY_CONN", l.ToString());
    }

    [Fact]
    public void StoreLocation_AzureInlineConnectionString_IsAccepted()
    {
        var l = StoreLocation.Resolve("azure:" + Conn, Env());
        Assert.Equal(Conn, l.ConnectionString);
        Assert.DoesNotContain(AzuriteFixture.AccountKey, l.ToString());
    }

    [Fact]
    public void StoreLocation_AzureEnvironmentVariableMissing_NamesTheVariable()
    {
        var e = Assert.Throws<ArgumentException>(() => StoreLocation.Resolve("azure:NOT_SET_VAR", Env()));
        Assert.Contains("NOT_SET_VAR is not set", e.Message);
        Assert.Contains("--store", e.Message);
    }

    [Fact]
    public void StoreLocation_Url_IsRefusedWithTheSupportedForms()
    {
        var e = Assert.Throws<ArgumentException>(() => StoreLocation.Resolve("https://acct.blob.core.windows.net/x", Env()));
        Assert.Contains("azure:", e.Message);
    }

    [Fact]
    public void AzureBlobStore_MalformedConnectionString_IsReportedWithoutEchoingIt()
    {
        const string bad = "AccountName=x;AccountKey=SECRETSECRET;BlobEndpoint=::not a uri::";
        var e = Assert.ThrowsAny<ArgumentException>(() => AzureBlobStore.Create(bad, new BlobStoreOptions()));
        Assert.Contains("malformed", e.Message);
        Assert.DoesNotContain("SECRETSECRET", e.ToString());
    }

    [Fact]
    public void BlobStoreOptionsValidator_BadValues_NameEachOption()
    {
        var o = new BlobStoreOptions { Container = "Bad_Name", MaxRetryAttempts = -1, BaseDelay = TimeSpan.Zero, AttemptTimeout = TimeSpan.FromSeconds(10), TotalTimeout = TimeSpan.FromSeconds(1) };
        var result = new BlobStoreOptionsValidator().Validate(null, o);
        Assert.True(result.Failed);
        var text = string.Join("\n", result.Failures!);
        foreach (var name in new[] { "Container", "MaxRetryAttempts", "BaseDelay", "TotalTimeout" }) Assert.Contains($"AftSweep:Storage:{name}", text);
        Assert.Throws<OptionsValidationException>(() => BlobStoreOptionsValidator.ThrowIfInvalid(o));
        Assert.True(new BlobStoreOptionsValidator().Validate(null, new BlobStoreOptions()).Succeeded);
    }

    [Fact]
    public void SecretRedactor_ConnectionStringAndSas_AreMasked()
    {
        var text = SecretRedactor.Redact($"failed: {Conn} url=https://a.blob.core.windows.net/c/b?sv=1&sig=abcDEF%2B&se=2");
        Assert.DoesNotContain(AzuriteFixture.AccountKey, text);
        Assert.DoesNotContain("abcDEF", text);
        Assert.Contains("AccountKey=***", text);
        Assert.Contains("AccountName=devstoreaccount1", text);
    }
}
