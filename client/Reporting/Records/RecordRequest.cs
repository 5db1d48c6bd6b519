namespace AftSweep.Client.Reporting.Records;

/// <summary>
/// What `results` and `plot` were asked to read: a folder (output, state or records folder) or a sweep id, the cluster
/// a sweep id is read from, and <see cref="Sweep"/> (--sweep) to pick one sweep of a folder that holds several.
/// </summary>
public sealed record RecordRequest(string Target, string? Cluster = null, string? ClusterId = null, string? Sweep = null);
