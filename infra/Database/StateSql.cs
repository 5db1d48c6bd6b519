namespace AftSweep.Infra.Database;

/// <summary>The statements on the state tables, one text for both databases (see the schema scripts for the tables).</summary>
public static class StateSql
{
    public const string ReadState =
        "SELECT version, payload FROM grain_state WHERE state_name = @state_name AND grain_id = @grain_id";

    /// <summary>A first write, or a write after a clear: succeeds only when no live state exists. Returns the new version.</summary>
    public const string InsertState =
        "INSERT INTO grain_state (state_name, grain_id, grain_type, version, payload, updated_at) " +
        "VALUES (@state_name, @grain_id, @grain_type, 1, @payload, @now) " +
        "ON CONFLICT (state_name, grain_id) DO UPDATE SET version = grain_state.version + 1, grain_type = excluded.grain_type, " +
        "payload = excluded.payload, updated_at = excluded.updated_at WHERE grain_state.payload IS NULL " +
        "RETURNING version";

    /// <summary>A write that read version @expected: succeeds only if that is still the live version. Returns the new version.</summary>
    public const string UpdateState =
        "UPDATE grain_state SET version = version + 1, grain_type = @grain_type, payload = @payload, updated_at = @now " +
        "WHERE state_name = @state_name AND grain_id = @grain_id AND version = @expected AND payload IS NOT NULL " +
        "RETURNING version";

    /// <summary>Clears a state that read version @expected (the row stays, so versions never repeat).</summary>
    public const string ClearState =
        "UPDATE grain_state SET version = version + 1, payload = NULL, updated_at = @now " +
        "WHERE state_name = @state_name AND grain_id = @grain_id AND version = @expected AND payload IS NOT NULL " +
        "RETURNING version";

    /// <summary>The columns a record upsert fills, in the order of its values.</summary>
    public const string RecordColumns =
        "sweep_id, trial_id, grid_name, dataset, method, lambda, combo, seed, stage, state, attempts, " +
        "silo, slot, holdout_accuracy, test_accuracy, wall_seconds, steps, finished_at, code_version, aftsweep_version, " +
        "record_schema, record, revision, written_at";

    /// <summary>What an upsert does to a record that exists: replaced, its revision counted up.</summary>
    public const string RecordConflict =
        "ON CONFLICT (sweep_id, trial_id) DO UPDATE SET grid_name = excluded.grid_name, dataset = excluded.dataset, " +
        "method = excluded.method, lambda = excluded.lambda, combo = excluded.combo, seed = excluded.seed, stage = excluded.stage, " +
        "state = excluded.state, attempts = excluded.attempts, silo = excluded.silo, slot = excluded.slot, " +
        "holdout_accuracy = excluded.holdout_accuracy, test_accuracy = excluded.test_accuracy, wall_seconds = excluded.wall_seconds, " +
        "steps = excluded.steps, finished_at = excluded.finished_at, code_version = excluded.code_version, " +
        "aftsweep_version = excluded.aftsweep_version, record_schema = excluded.record_schema, record = excluded.record, " +
        "revision = trial_records.revision + 1, written_at = excluded.written_at";

    public const string UpsertRecord =
        "INSERT INTO trial_records (" + RecordColumns + ") " +
        "VALUES (@sweep_id, @trial_id, (SELECT grid_name FROM sweeps WHERE sweep_id = @sweep_id), @dataset, @method, @lambda, @combo, " +
        "@seed, @stage, @state, @attempts, @silo, @slot, @holdout_accuracy, @test_accuracy, @wall_seconds, @steps, @finished_at, " +
        "@code_version, @aftsweep_version, @record_schema, @record, 1, @now) " + RecordConflict;

    public const string DeleteRecord = "DELETE FROM trial_records WHERE sweep_id = @sweep_id AND trial_id = @trial_id";

    public const string ReadRecord = "SELECT record FROM trial_records WHERE sweep_id = @sweep_id AND trial_id = @trial_id";

    public const string ReadRecords = "SELECT trial_id, record FROM trial_records WHERE sweep_id = @sweep_id";

    public const string ReadSweepIds = "SELECT DISTINCT sweep_id FROM trial_records";

    public const string UpsertSweep =
        "INSERT INTO sweeps (sweep_id, grid_name, dataset, trials, submitted_at) VALUES (@sweep_id, @grid_name, @dataset, @trials, @submitted_at) " +
        "ON CONFLICT (sweep_id) DO UPDATE SET grid_name = excluded.grid_name, dataset = excluded.dataset, trials = excluded.trials";

    /// <summary>Records written before their sweep was registered (imported ones) get its grid name.</summary>
    public const string FillGridName = "UPDATE trial_records SET grid_name = @grid_name WHERE sweep_id = @sweep_id AND grid_name IS NULL";
}
