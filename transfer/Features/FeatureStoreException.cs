namespace AftSweep.Transfer.Features;

/// <summary>
/// The feature store refused something: a manifest it cannot read (bad JSON, a newer schema, fields out of
/// range), a teacher that returned the wrong shape, a set it could not make valid. The message names the blob
/// or set and what was expected.
/// </summary>
public class FeatureStoreException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>A manifest or shard written by a newer aftsweep: refused rather than misread, and never overwritten.</summary>
public sealed class FeatureSchemaException(string message) : FeatureStoreException(message);
