using Microsoft.Extensions.Logging;

namespace AftSweep.Transfer.Features;

internal static partial class FeatureStoreLog
{
    [LoggerMessage(EventId = 4200, Level = LogLevel.Warning, Message = "Feature shard {Blob} {Problem} ({Source}); re-extracting rows [{Start}, {End})")]
    public static partial void ShardInvalid(ILogger logger, string blob, string problem, string source, int start, int end);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Feature manifest {Blob} is unreadable ({Problem}); the set will be rebuilt")]
    public static partial void ManifestUnreadable(ILogger logger, string blob, string problem);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "Feature manifest {Blob} does not describe the set it is stored under ({Problem}); the set will be rebuilt")]
    public static partial void ManifestMismatch(ILogger logger, string blob, string problem);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Information, Message = "Extracting feature set {Key} ({Teacher}, {Dataset}/{Split}): {Rows} rows x {Dim} in {Shards} shards, {Reused} reused")]
    public static partial void Extracting(ILogger logger, string key, string teacher, string dataset, string split, int rows, int dim, int shards, int reused);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Warning, Message = "Feature manifest {Blob} changed under us (another writer); retrying the write")]
    public static partial void ManifestConflict(ILogger logger, string blob);

    [LoggerMessage(EventId = 4205, Level = LogLevel.Information, Message = "Reusing shard {Blob} from an interrupted extraction")]
    public static partial void ShardResumed(ILogger logger, string blob);

    [LoggerMessage(EventId = 4207, Level = LogLevel.Information, Message = "Feature set {Key} found under its legacy key {LegacyKey}: re-keyed (a new manifest naming the same {Shards} shards), nothing re-extracted")]
    public static partial void Rekeyed(ILogger logger, string key, string legacyKey, int shards);
}
