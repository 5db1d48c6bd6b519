namespace AftSweep.Transfer.Artifacts;

/// <summary>
/// Bytes cached by content key (ft's paraphraser weights): what a regulariser may keep between trials.
/// <see cref="BlobArtifactCache"/> implements it over the feature store's blob store.
/// </summary>
public interface IArtifactCache
{
    byte[]? TryGet(string key);
    void Put(string key, byte[] bytes);
}
