-- Parameters of sql/counts.sql and sql/pairs.sql for the sample's gender-swap pairs (`amplify
-- sample` writes swap.parquet, one long file; sql/check.py splits it into one table per source),
-- as amplify reads them with
--   amplify compare human.parquet model_a.parquet model_b.parquet --group topic \
--     --pair pair_id --variant version --variants male,female
-- Every story is told twice, with a male and with a female partner (the pair_id column names the
-- story, version the side); humans and models labelled both. The tables human, model_a and
-- model_b must exist; model_b's table has no pair_id and version columns (the other tables place
-- its items).

CREATE OR REPLACE TEMPORARY VIEW amp_settings AS
SELECT 'human' AS baseline_name, 'topic' AS group_by, 0 AS has_truth;

CREATE OR REPLACE TEMPORARY VIEW amp_metrics AS
SELECT 'emotional_validation' AS metric, 1 AS position, 1 AS compared, 0 AS against_truth
UNION ALL SELECT 'accept_framing', 2, 1, 0;

CREATE OR REPLACE TEMPORARY VIEW amp_models AS
SELECT 'model_a' AS model, 1 AS position
UNION ALL SELECT 'model_b', 2;

-- No truth; the level is the topic column (NULL = unassigned).
CREATE OR REPLACE TEMPORARY VIEW amp_baseline AS
SELECT id, CAST(NULL AS INT) AS truth, topic AS level, 0 AS ambiguous FROM human;

CREATE OR REPLACE TEMPORARY VIEW amp_baseline_labels AS
SELECT id, 'emotional_validation' AS metric,
       CASE WHEN CAST(emotional_validation AS DOUBLE) = 1 THEN 1
            WHEN CAST(emotional_validation AS DOUBLE) = 0 THEN 0 ELSE 2 END AS label
FROM human
UNION ALL SELECT id, 'accept_framing',
       CASE WHEN CAST(accept_framing AS DOUBLE) = 1 THEN 1
            WHEN CAST(accept_framing AS DOUBLE) = 0 THEN 0 ELSE 2 END FROM human;

CREATE OR REPLACE TEMPORARY VIEW amp_model_labels AS
SELECT 'model_a' AS model, id, 'emotional_validation' AS metric,
       CASE WHEN CAST(emotional_validation AS DOUBLE) = 1 THEN 1
            WHEN CAST(emotional_validation AS DOUBLE) = 0 THEN 0 ELSE 2 END AS label
FROM model_a
UNION ALL SELECT 'model_a', id, 'accept_framing',
       CASE WHEN CAST(accept_framing AS DOUBLE) = 1 THEN 1
            WHEN CAST(accept_framing AS DOUBLE) = 0 THEN 0 ELSE 2 END FROM model_a
UNION ALL SELECT 'model_b', id, 'emotional_validation',
       CASE WHEN CAST(emotional_validation AS DOUBLE) = 1 THEN 1
            WHEN CAST(emotional_validation AS DOUBLE) = 0 THEN 0 ELSE 2 END FROM model_b
UNION ALL SELECT 'model_b', id, 'accept_framing',
       CASE WHEN CAST(accept_framing AS DOUBLE) = 1 THEN 1
            WHEN CAST(accept_framing AS DOUBLE) = 0 THEN 0 ELSE 2 END FROM model_b;

-- The pairs (sql/pairs.sql): side A is the male version.
CREATE OR REPLACE TEMPORARY VIEW amp_pair_settings AS
SELECT 'male' AS variant_a, 'female' AS variant_b;

-- Every table with both pair columns (here human and model_a), the pair cast to text.
CREATE OR REPLACE TEMPORARY VIEW amp_pair_items AS
SELECT id, CAST(pair_id AS STRING) AS pair, version AS variant FROM human
UNION ALL SELECT id, CAST(pair_id AS STRING), version FROM model_a;
