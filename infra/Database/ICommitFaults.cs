namespace AftSweep.Infra.Database;

/// <summary>
/// Fault injection at the two instants that matter for crash consistency: before a batch is committed (its statements
/// run in an open transaction; or, pipelined to a server as one implicit transaction, not yet sent), and committed but
/// not yet acknowledged to any writer. The crash tests kill the silo process right
/// there (see <see cref="KillProcessAtCommit"/>); production silos have none.
/// </summary>
public interface ICommitFaults
{
    /// <param name="writes">Writes in the batch.</param>
    /// <param name="recordChanges">Trial records they write or delete.</param>
    void BeforeCommit(int writes, int recordChanges);

    void AfterCommit(int writes, int recordChanges);
}
