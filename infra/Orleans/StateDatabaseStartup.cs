using AftSweep.Infra.Database;
using Orleans.Runtime;

namespace AftSweep.Infra.Orleans;

/// <summary>
/// Opens the state database before anything else of the silo starts: SQLite creates or upgrades its schema and imports a
/// legacy state folder; PostgreSQL checks the schema `aftsweep db init` made, so a silo on a missing or older schema
/// stops at once with a message naming that command, not later at its first grain call.
/// </summary>
public sealed class StateDatabaseStartup(StateDatabaseLease database) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StateDatabaseStartup), ServiceLifecycleStage.First, ct => database.Database.EnsureReadyAsync(ct));
}
