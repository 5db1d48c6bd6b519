namespace AftSweep.Silo.Configuration;

/// <summary>Settings of the silo host itself (not of the Orleans silo or the engine): its HTTP port and start-up patience.</summary>
public static class SiloHostSettings
{
    public const int DefaultHttpPort = 8080;
    public const string HttpPortKey = "Http:Port";
    public const string JoinTimeoutKey = "Silo:JoinTimeout";
    public static readonly TimeSpan DefaultJoinTimeout = TimeSpan.FromSeconds(30);
    /// <summary>Declare dead silos within about two seconds instead of tens (tests and single-machine demos).</summary>
    public const string FastFailureDetectionKey = "FastFailureDetection";
}
