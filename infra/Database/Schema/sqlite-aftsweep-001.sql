-- AftSweep state database, schema 1 (SQLite). Applied by the tool (SqliteStateDatabase); see docs/cluster.md.

-- Orleans grain state: one row per (state name, grain). The version is the ETag: every write must name the version
-- it read, and increments it. A cleared state keeps its row (payload NULL) so versions never repeat.
CREATE TABLE grain_state (
    state_name  TEXT    NOT NULL,
    grain_id    TEXT    NOT NULL,
    grain_type  TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    payload     TEXT,               -- the state as JSON; NULL once cleared
    updated_at  TEXT    NOT NULL,   -- UTC, 'YYYY-MM-DD HH:MM:SS.SSS'
    PRIMARY KEY (state_name, grain_id)
);

-- Every sweep submitted: what fills the records' grid_name.
CREATE TABLE sweeps (
    sweep_id     TEXT PRIMARY KEY,
    grid_name    TEXT    NOT NULL,
    dataset      TEXT    NOT NULL,
    trials       INTEGER NOT NULL,
    submitted_at TEXT    NOT NULL
);

-- One row per (sweep, finished trial): the typed columns for queries, and the whole versioned record as JSON.
-- A record and its trial's state transition are committed in one transaction.
CREATE TABLE trial_records (
    sweep_id          TEXT    NOT NULL,
    trial_id          TEXT    NOT NULL,
    grid_name         TEXT,
    dataset           TEXT    NOT NULL,
    method            TEXT    NOT NULL,
    lambda            REAL,
    combo             TEXT    NOT NULL,   -- teacher names joined by '+'; '' without teachers
    seed              INTEGER NOT NULL,
    stage             TEXT    NOT NULL,   -- 'selection' (holdout) or 'final' (test)
    state             TEXT    NOT NULL,   -- 'succeeded' or 'failed'
    attempts          INTEGER NOT NULL,
    silo              TEXT,
    slot              TEXT,
    holdout_accuracy  REAL,
    test_accuracy     REAL,
    wall_seconds      REAL,
    steps             INTEGER,
    finished_at       TEXT,
    code_version      TEXT,               -- the trials code version the result was computed with
    aftsweep_version  TEXT,
    record_schema     INTEGER NOT NULL,
    record            TEXT    NOT NULL,   -- the TrialRecord as JSON (docs/outputs.md)
    revision          INTEGER NOT NULL,   -- 1 when written, +1 each time the same record is written again
    written_at        TEXT    NOT NULL,
    PRIMARY KEY (sweep_id, trial_id)
);

-- No secondary indexes: every read the tool makes goes by (sweep_id, trial_id) or sweep_id, and each index would cost
-- every commit another B-tree write. Add your own for other queries (CREATE INDEX IF NOT EXISTS ...).

-- Stage 1: each lambda's mean holdout accuracy over its finished selection seeds, per sweep and cell.
CREATE VIEW lambda_scores AS
SELECT sweep_id, method, combo, lambda,
       AVG(holdout_accuracy) AS mean_holdout_accuracy,
       COUNT(*)              AS seeds
FROM trial_records
WHERE stage = 'selection' AND state = 'succeeded' AND lambda IS NOT NULL
GROUP BY sweep_id, method, combo, lambda;

-- The lambda each cell chose: the best mean holdout accuracy, ties (within 1e-12) to the smaller lambda
-- (contracts/Protocol/LambdaSelection.cs).
CREATE VIEW chosen_lambdas AS
SELECT s.sweep_id, s.method, s.combo, MIN(s.lambda) AS lambda
FROM lambda_scores s
JOIN (SELECT sweep_id, method, combo, MAX(mean_holdout_accuracy) AS best
      FROM lambda_scores GROUP BY sweep_id, method, combo) b
  ON b.sweep_id = s.sweep_id AND b.method = s.method AND b.combo = s.combo
WHERE s.mean_holdout_accuracy >= b.best - 1e-12
GROUP BY s.sweep_id, s.method, s.combo;

-- The paper's table: per sweep, method and teacher combination, the final (test) accuracy over seeds with the chosen
-- lambda: mean and standard error (sample standard deviation / sqrt(n); NULL with one seed). Accuracies are fractions.
CREATE VIEW paper_table AS
WITH finals AS (
    SELECT r.sweep_id, r.grid_name, r.dataset, r.method, r.combo, r.lambda, r.seed, r.test_accuracy
    FROM trial_records r
    LEFT JOIN chosen_lambdas c ON c.sweep_id = r.sweep_id AND c.method = r.method AND c.combo = r.combo
    WHERE r.stage = 'final' AND r.state = 'succeeded'
      AND (c.lambda IS NULL OR r.lambda = c.lambda)
),
stats AS (
    SELECT sweep_id, method, combo, COUNT(*) AS n, AVG(test_accuracy) AS mean
    FROM finals GROUP BY sweep_id, method, combo
)
SELECT f.sweep_id, MAX(f.grid_name) AS grid_name, MAX(f.dataset) AS dataset, f.method, f.combo,
       MAX(f.lambda) AS lambda, s.n,
       s.mean,
       CASE WHEN s.n > 1
            THEN sqrt(SUM((f.test_accuracy - s.mean) * (f.test_accuracy - s.mean)) / (s.n - 1)) / sqrt(s.n)
       END AS se
FROM finals f
JOIN stats s ON s.sweep_id = f.sweep_id AND s.method = f.method AND s.combo = f.combo
GROUP BY f.sweep_id, f.method, f.combo;
