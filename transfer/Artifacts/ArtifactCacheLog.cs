using Microsoft.Extensions.Logging;

namespace AftSweep.Transfer.Artifacts;

internal static partial class ArtifactCacheLog
{
    // Event id 4206 kept from when this message was the feature store's (dashboards and alerts may filter on it).
    [LoggerMessage(EventId = 4206, Level = LogLevel.Warning, Message = "Artifact {Blob} in {Store} {Problem}; discarding it")]
    public static partial void ArtifactCorrupt(ILogger logger, string blob, string store, string problem);
}
