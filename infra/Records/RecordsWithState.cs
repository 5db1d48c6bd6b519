namespace AftSweep.Infra.Records;

/// <summary>
/// Hands record changes to the grain storage write that runs inside <see cref="Attach"/>, so a database store commits
/// them in the same transaction as the grain state (see <see cref="IRecordStore.WriteWithStateAsync"/>). The changes
/// flow with the async call (an <see cref="AsyncLocal{T}"/>): the state write the caller awaits inside the scope, and
/// nothing else, takes them.
/// </summary>
public static class RecordsWithState
{
    private static readonly AsyncLocal<Enlistment?> Current = new();

    /// <summary>The changes waiting for the state write now running; null when none. The first caller takes them.</summary>
    public static RecordChanges? Take()
    {
        var enlistment = Current.Value;
        if (enlistment is null || enlistment.Taken) return null;
        enlistment.Taken = true;
        return enlistment.Changes;
    }

    /// <summary>Runs <paramref name="writeState"/> with <paramref name="changes"/> enlisted; fails if the storage did not take them.</summary>
    /// <exception cref="InvalidOperationException">The grain storage that ran is not one that commits records with state.</exception>
    public static async Task Attach(RecordChanges changes, Func<Task> writeState)
    {
        var enlistment = new Enlistment(changes);
        var previous = Current.Value;
        Current.Value = enlistment;
        try
        {
            await writeState().ConfigureAwait(false);
        }
        finally
        {
            Current.Value = previous;
        }
        if (!enlistment.Taken)
            throw new InvalidOperationException("the grain storage did not commit the trial's records with its state: a database record store needs the database grain storage of the same database");
    }

    private sealed class Enlistment(RecordChanges changes)
    {
        public RecordChanges Changes { get; } = changes;
        public bool Taken { get; set; }
    }
}
