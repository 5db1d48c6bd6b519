using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AftSweep.Client.Cluster;
using AftSweep.Infra.Orleans;
using AftSweep.Tests.Infrastructure;

namespace AftSweep.Tests.Reliability;

/// <summary>
/// Mutual TLS between clients and silos (Cluster:TlsCertificate): with it on, a client with the cluster certificate
/// connects and calls grains; a plain-TCP client and a client with some other certificate are refused.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class TlsTests
{
    [Fact]
    public async Task Silo_WithTls_RefusesClientsWithoutTheCertificate_AcceptsTheOneWithIt()
    {
        using var temp = new TempDirectory("aftsweep-tls-");
        var cluster = CreatePfx(temp.Sub("cluster.pfx"), "CN=aftsweep-cluster", "s3cret-pfx-pw");
        var stranger = CreatePfx(temp.Sub("stranger.pfx"), "CN=aftsweep-cluster", "other-pw");
        var ports = FreePorts.Take(3);
        var clusterId = $"tls-{Guid.NewGuid():N}"[..12];
        await using var silo = await InProcessSilo.StartAsync(temp.Sub("silo"),
            "--http-port", $"{ports[0]}", "--silo-port", $"{ports[1]}", "--primary-silo-port", $"{ports[1]}", "--gateway-port", $"{ports[2]}",
            "--cluster-id", clusterId, "--state", temp.Sub("state"), "--Workers:Devices=",
            $"--Cluster:TlsCertificate={cluster}", "--Cluster:TlsCertificatePassword=s3cret-pfx-pw");
        ClusterConnectionOptions Client(string? pfx, string? password) => new()
        {
            ClusterId = clusterId,
            GatewayPorts = [ports[2]],
            TlsCertificate = pfx,
            TlsCertificatePassword = password,
        };

        await using (var trusted = await ClusterConnection.ConnectAsync(Client(cluster, "s3cret-pfx-pw")))
        {
            // A real grain round trip over TLS: asking for a sweep that does not exist is answered by the silo.
            await Assert.ThrowsAsync<SweepNotFoundException>(() => trusted.Sweeps.GetStatusAsync("0123456789abcdef0123456789abcdef"));
        }
        await Assert.ThrowsAsync<ClusterUnreachableException>(() => ClusterConnection.ConnectAsync(Client(null, null)));
        await Assert.ThrowsAsync<ClusterUnreachableException>(() => ClusterConnection.ConnectAsync(Client(stranger, "other-pw")));
        Assert.DoesNotContain("s3cret-pfx-pw", silo.Logs.Text);
    }

    [Fact]
    public void Load_WrongPassword_FailsNamingTheOptionButNotThePassword()
    {
        using var temp = new TempDirectory("aftsweep-tls-");
        var pfx = CreatePfx(temp.Sub("c.pfx"), "CN=x", "right-pw");

        var e = Assert.Throws<ArgumentException>(() => ClusterTls.Load(new ClusterConnectionOptions { TlsCertificate = pfx, TlsCertificatePassword = "wrong-pw" }));

        Assert.Contains("Cluster:TlsCertificate", e.Message);
        Assert.DoesNotContain("wrong-pw", e.Message);
        Assert.Null(ClusterTls.Load(new ClusterConnectionOptions()));
    }

    /// <summary>A self-signed certificate for server and client authentication, with its key, as a password-protected .pfx.</summary>
    public static string CreatePfx(string path, string subject, string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(subject.Replace("CN=", "", StringComparison.Ordinal));
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }
}
