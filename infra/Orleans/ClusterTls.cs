using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;
using Orleans.Hosting;

namespace AftSweep.Infra.Orleans;

/// <summary>
/// Mutual TLS for silo-to-silo and client-to-gateway connections (Microsoft.Orleans.Connections.Security), on when
/// <see cref="ClusterConnectionOptions.TlsCertificate"/> is set. Trust is pinned: a peer must present the cluster
/// certificate itself (or one listed in <see cref="ClusterConnectionOptions.TlsAllowedThumbprints"/>), so a
/// self-signed certificate works and a certificate some public CA issued to someone else does not.
/// </summary>
public static class ClusterTls
{
    public static ISiloBuilder UseAftSweepTls(this ISiloBuilder builder, ClusterConnectionOptions options)
    {
        if (Load(options) is not { } certificate) return builder;
        return builder.UseTls(certificate, tls => Configure(tls, certificate, options));
    }

    public static IClientBuilder UseAftSweepTls(this IClientBuilder builder, ClusterConnectionOptions options)
    {
        if (Load(options) is not { } certificate) return builder;
        return builder.UseTls(certificate, tls => Configure(tls, certificate, options));
    }

    /// <summary>The cluster certificate, or null when TLS is off.</summary>
    /// <exception cref="ArgumentException">The file is missing, not PKCS#12, the password is wrong, or it has no private key.</exception>
    public static X509Certificate2? Load(ClusterConnectionOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.TlsCertificate)) return null;
        var path = Path.GetFullPath(options.TlsCertificate);
        const string Field = $"{ClusterConnectionOptions.Section}:{nameof(ClusterConnectionOptions.TlsCertificate)}";
        if (!File.Exists(path)) throw new ArgumentException($"{Field}: file not found: {path}");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, options.TlsCertificatePassword);
        }
        catch (CryptographicException e)
        {
            // The message never includes the password.
            throw new ArgumentException($"{Field}: {path} is not a PKCS#12 (.pfx) file this password opens: {e.Message}");
        }
        if (!certificate.HasPrivateKey) throw new ArgumentException($"{Field}: {path} holds no private key (export the certificate with its key)");
        return certificate;
    }

    private static void Configure(TlsOptions tls, X509Certificate2 certificate, ClusterConnectionOptions options)
    {
        var trusted = options.TlsAllowedThumbprints.Select(t => t.Replace(":", "", StringComparison.Ordinal).Trim())
            .Append(certificate.Thumbprint).ToHashSet(StringComparer.OrdinalIgnoreCase);
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // Pinning replaces chain validation (a self-signed cluster certificate has no chain); only the thumbprint counts.
        tls.RemoteCertificateValidation = (remote, _, _) => trusted.Contains(remote.Thumbprint);
        var host = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        tls.OnAuthenticateAsClient = (_, client) => client.TargetHost = host;
    }
}
