namespace AftSweep.Contracts.Storage;

public enum BlobConditionKind { None = 0, IfAbsent = 1, IfMatch = 2 }

/// <summary>When a write may happen: always, only if the blob does not exist, or only if its ETag still matches.</summary>
public readonly record struct BlobCondition(BlobConditionKind Kind, string? ETag)
{
    public static BlobCondition None => new(BlobConditionKind.None, null);
    public static BlobCondition IfAbsent => new(BlobConditionKind.IfAbsent, null);

    public static BlobCondition IfMatch(string etag)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        return new(BlobConditionKind.IfMatch, etag);
    }

    public override string ToString() => Kind switch
    {
        BlobConditionKind.IfAbsent => "if-absent",
        BlobConditionKind.IfMatch => $"if-match {ETag}",
        _ => "unconditional",
    };
}
