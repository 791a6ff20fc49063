-- Parameters of sql/repeated.sql for the sample's repeated set (data/sample/repeats_*.parquet), as
-- amplify reads it with
--   amplify compare repeats_human.parquet repeats_steady.parquet repeats_erratic.parquet \
--     --sample seed --annotator annotator --truth crowd_verdict --verdict verdict
-- The tables repeats_human, repeats_steady and repeats_erratic must exist (sql/check.py registers
-- the Parquet files). Copy this file and edit the table and column names for your data.

-- baseline_repeats = 1 with --annotator (or --repeated), models_repeat = 1 with --sample (or
-- --repeated); aggregate is amplify's --aggregate: 'mean' (the default), 'majority' or 'first'.
CREATE OR REPLACE TEMPORARY VIEW amp_settings AS
SELECT 'human' AS baseline_name, '' AS group_by, 1 AS has_truth, 1 AS baseline_repeats,
       1 AS models_repeat, 'mean' AS aggregate;

CREATE OR REPLACE TEMPORARY VIEW amp_metrics AS
SELECT 'emotional_validation' AS metric, 1 AS position, 1 AS compared, 0 AS against_truth
UNION ALL SELECT 'accept_framing', 2, 1, 0
UNION ALL SELECT 'verdict', 3, 1, 1;

CREATE OR REPLACE TEMPORARY VIEW amp_models AS
SELECT 'repeats_steady' AS model, 1 AS position
UNION ALL SELECT 'repeats_erratic', 2;

-- One row per baseline item. The crowd verdict is the same on every row of an item (amplify takes
-- an item's truth and levels from its first row in file order, which SQL does not know; keep them
-- constant per item). No grouping here: level NULL.
CREATE OR REPLACE TEMPORARY VIEW amp_baseline AS
SELECT id, MAX(truth) AS truth, MAX(level) AS level, 0 AS ambiguous
FROM (
  SELECT id,
         CASE WHEN UPPER(TRIM(crowd_verdict)) IN ('YTA', 'ESH', '1', '1.0', 'TRUE', 'YES') THEN 1
              WHEN UPPER(TRIM(crowd_verdict)) IN ('NTA', 'NAH', '0', '0.0', 'FALSE', 'NO') THEN 0
              ELSE NULL END AS truth,
         CAST(NULL AS STRING) AS level
  FROM repeats_human
) t
GROUP BY id;

-- One row per baseline row (annotation) and metric: the annotator orders the annotations.
CREATE OR REPLACE TEMPORARY VIEW amp_baseline_samples AS
SELECT id, annotator AS sample, 'emotional_validation' AS metric,
       CASE WHEN CAST(emotional_validation AS DOUBLE) = 1 THEN 1
            WHEN CAST(emotional_validation AS DOUBLE) = 0 THEN 0 ELSE 2 END AS label
FROM repeats_human
UNION ALL SELECT id, annotator, 'accept_framing',
       CASE WHEN CAST(accept_framing AS DOUBLE) = 1 THEN 1
            WHEN CAST(accept_framing AS DOUBLE) = 0 THEN 0 ELSE 2 END FROM repeats_human
UNION ALL SELECT id, annotator, 'verdict',
       CASE WHEN UPPER(TRIM(verdict)) IN ('YTA', 'ESH', '1', '1.0', 'TRUE', 'YES') THEN 1
            WHEN UPPER(TRIM(verdict)) IN ('NTA', 'NAH', '0', '0.0', 'FALSE', 'NO') THEN 0 ELSE 2 END
FROM repeats_human;

-- One row per model row (sample) and metric: the seed orders the samples (a text column here, so
-- '10' sorts before '2', as amplify sorts it).
CREATE OR REPLACE TEMPORARY VIEW amp_model_samples AS
SELECT 'repeats_steady' AS model, id, seed AS sample, 'emotional_validation' AS metric,
       CASE WHEN CAST(emotional_validation AS DOUBLE) = 1 THEN 1
            WHEN CAST(emotional_validation AS DOUBLE) = 0 THEN 0 ELSE 2 END AS label
FROM repeats_steady
UNION ALL SELECT 'repeats_steady', id, seed, 'accept_framing',
       CASE WHEN CAST(accept_framing AS DOUBLE) = 1 THEN 1
            WHEN CAST(accept_framing AS DOUBLE) = 0 THEN 0 ELSE 2 END FROM repeats_steady
UNION ALL SELECT 'repeats_steady', id, seed, 'verdict',
       CASE WHEN UPPER(TRIM(verdict)) IN ('YTA', 'ESH', '1', '1.0', 'TRUE', 'YES') THEN 1
            WHEN UPPER(TRIM(verdict)) IN ('NTA', 'NAH', '0', '0.0', 'FALSE', 'NO') THEN 0 ELSE 2 END
FROM repeats_steady
UNION ALL SELECT 'repeats_erratic', id, seed, 'emotional_validation',
       CASE WHEN CAST(emotional_validation AS DOUBLE) = 1 THEN 1
            WHEN CAST(emotional_validation AS DOUBLE) = 0 THEN 0 ELSE 2 END FROM repeats_erratic
UNION ALL SELECT 'repeats_erratic', id, seed, 'accept_framing',
       CASE WHEN CAST(accept_framing AS DOUBLE) = 1 THEN 1
            WHEN CAST(accept_framing AS DOUBLE) = 0 THEN 0 ELSE 2 END FROM repeats_erratic
UNION ALL SELECT 'repeats_erratic', id, seed, 'verdict',
       CASE WHEN UPPER(TRIM(verdict)) IN ('YTA', 'ESH', '1', '1.0', 'TRUE', 'YES') THEN 1
            WHEN UPPER(TRIM(verdict)) IN ('NTA', 'NAH', '0', '0.0', 'FALSE', 'NO') THEN 0 ELSE 2 END
FROM repeats_erratic;
