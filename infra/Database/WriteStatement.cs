using System.Data.Common;

namespace AftSweep.Infra.Database;

/// <summary>
/// A write that is one SQL statement returning one result set: where the dialect pipelines statements
/// (<see cref="SqlDialect.PipelinesStatements"/>), the writer sends the statements of consecutive such writes in one
/// round trip (a <see cref="DbBatch"/>) instead of one each.
/// </summary>
/// <param name="Bind">Adds the statement's parameters, given the batch's timestamp (called on the writer's thread).</param>
/// <param name="RecordChanges">Trial records the statement writes or deletes (for <see cref="ICommitFaults"/>).</param>
public sealed record WriteStatement(string Sql, Action<DbParameterCollection, DateTimeOffset> Bind, int RecordChanges = 0);
