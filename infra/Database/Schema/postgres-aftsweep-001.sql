-- AftSweep state database, schema 1 (PostgreSQL). Applied by `aftsweep db init`; see docs/cluster.md.

-- Orleans grain state: one row per (state name, grain). The version is the ETag: every write must name the version
-- it read, and increments it. A cleared state keeps its row (payload NULL) so versions never repeat.
CREATE TABLE grain_state (
    state_name  text        NOT NULL,
    grain_id    text        NOT NULL,
    grain_type  text        NOT NULL,
    version     bigint      NOT NULL,
    payload     text,                  -- the state as JSON; NULL once cleared
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (state_name, grain_id)
);
-- States are rewritten in place many times (a trial: leased, then finished): room on each page lets PostgreSQL update
-- them without touching the index (HOT updates), and rows under 8 KB stay inline and uncompressed (no TOAST work).
ALTER TABLE grain_state SET (fillfactor = 70, toast_tuple_target = 8160);

-- Every sweep submitted: what fills the records' grid_name.
CREATE TABLE sweeps (
    sweep_id     text PRIMARY KEY,
    grid_name    text        NOT NULL,
    dataset      text        NOT NULL,
    trials       integer     NOT NULL,
    submitted_at timestamptz NOT NULL
);

-- One row per (sweep, finished trial): the typed columns for queries, and the whole versioned record as JSON.
-- A record and its trial's state transition are committed in one transaction.
CREATE TABLE trial_records (
    sweep_id          text             NOT NULL,
    trial_id          text             NOT NULL,
    grid_name         text,
    dataset           text             NOT NULL,
    method            text             NOT NULL,
    lambda            double precision,
    combo             text             NOT NULL,   -- teacher names joined by '+'; '' without teachers
    seed              integer          NOT NULL,
    stage             text             NOT NULL,   -- 'selection' (holdout) or 'final' (test)
    state             text             NOT NULL,   -- 'succeeded' or 'failed'
    attempts          integer          NOT NULL,
    silo              text,
    slot              text,
    holdout_accuracy  double precision,
    test_accuracy     double precision,
    wall_seconds      double precision,
    steps             integer,
    finished_at       timestamptz,
    code_version      text,
    aftsweep_version  text,
    record_schema     integer          NOT NULL,
    record            json             NOT NULL,   -- the TrialRecord (docs/outputs.md)
    revision          integer          NOT NULL,   -- 1 when written, +1 each time the same record is written again
    written_at        timestamptz      NOT NULL,
    PRIMARY KEY (sweep_id, trial_id)
);
ALTER TABLE trial_records SET (toast_tuple_target = 8160);

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
SELECT r.sweep_id, MAX(r.grid_name) AS grid_name, MAX(r.dataset) AS dataset, r.method, r.combo,
       MAX(r.lambda) AS lambda, COUNT(*) AS n,
       AVG(r.test_accuracy) AS mean,
       stddev_samp(r.test_accuracy) / sqrt(COUNT(*)) AS se
FROM trial_records r
LEFT JOIN chosen_lambdas c ON c.sweep_id = r.sweep_id AND c.method = r.method AND c.combo = r.combo
WHERE r.stage = 'final' AND r.state = 'succeeded'
  AND (c.lambda IS NULL OR r.lambda = c.lambda)
GROUP BY r.sweep_id, r.method, r.combo;
