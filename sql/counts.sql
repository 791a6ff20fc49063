-- amplify counts table in portable SQL (tested on DuckDB and Apache Spark SQL; plain ANSI joins,
-- CASE, GROUP BY and UNION ALL only, so Trino and other engines run it too).
--
-- It computes exactly the table `amplify count` writes (docs/FORMATS.md, "The counts table"), so the heavy
-- scan runs where the data lives and `amplify compare --counts counts.parquet` (or `report
-- --counts`) does the statistics and charts. Counts of disjoint item shards add up: compute one
-- table per shard and pass each with --counts.
--
-- Parameters: before this file, define six views over your tables (`sql/params_sample.sql` does
-- it for the sample data; copy and edit it):
--   amp_settings(baseline_name, group_by, has_truth)
--       one row: the baseline's name (e.g. 'human'); the grouping's name ('' for none);
--       has_truth 1 when the baseline has a ground-truth column, else 0.
--   amp_metrics(metric, position, compared, against_truth)
--       one row per metric: its order (1, 2, ...), compared = 1 for metrics compared between
--       baseline and models (present in both), against_truth = 1 for metrics judged against the
--       truth (e.g. verdict, moral_endorsement).
--   amp_models(model, position)
--       one row per model, in order.
--   amp_baseline(id, truth, level, ambiguous)
--       one row per baseline item: truth 1/0 (NULL = invalid or missing), the group level as a
--       string (NULL = unassigned), ambiguous = 1 when several levels matched (else 0).
--   amp_baseline_labels(id, metric, label)
--       one row per baseline item and metric the baseline has; label 1, 0, or 2 for invalid.
--   amp_model_labels(model, id, metric, label)
--       one row per model item and metric that model has; label 1, 0, or 2 for invalid.
-- Ids must be unique within each source (amplify checks this; here it is your responsibility).
-- Labels normalised like amplify: numeric x -> CASE WHEN CAST(x AS DOUBLE) = 1 THEN 1 WHEN
-- CAST(x AS DOUBLE) = 0 THEN 0 ELSE 2 END; text x -> CASE WHEN LOWER(TRIM(x)) IN ('1', '1.0',
-- 'true', 'yes') THEN 1 WHEN LOWER(TRIM(x)) IN ('0', '0.0', 'false', 'no') THEN 0 ELSE 2 END;
-- verdicts -> CASE WHEN UPPER(TRIM(x)) IN ('YTA', 'ESH', ...) THEN 1 ... (see params_sample.sql).
--
-- The last statement is a SELECT returning the table: kind, model, metric, group_by, level,
-- truth and 15 BIGINT count columns, ordered as amplify writes them. Export its result as Parquet
-- or CSV (sql/check.py shows how with DuckDB and with Spark).
--
-- Counterfactual pairs (amplify's --pair/--variant/--variants): sql/pairs.sql continues this
-- file. Define its two parameter views (amp_pair_settings, amp_pair_items) with the six above,
-- run this file but its last statement, then pairs.sql, and export pairs.sql's last statement:
-- this table plus the `pairing` and `pair` rows and the five pair columns. (A SQL statement has
-- a fixed set of columns and amplify writes the pair columns only when there are pairs, hence a
-- second file; without pairs nothing changes.)
--
-- Repeated samples or annotators (amplify's --sample/--annotator/--repeated, several rows per
-- item): sql/repeated.sql replaces this file. Its parameters are these views with the labels given
-- per sample (amp_baseline_samples, amp_model_samples) and three more settings; see its header.

-- The models and, last, the baseline counted as its own model (amplify's rows whose model is the
-- baseline: every baseline item against itself, from which it computes the data's own findings;
-- with no model at all, the table of the data alone).
CREATE OR REPLACE TEMPORARY VIEW amp_sources AS
SELECT model, position FROM amp_models
UNION ALL
SELECT s.baseline_name, (SELECT COALESCE(MAX(position), 0) + 1 FROM amp_models)
FROM amp_settings s;

-- Every model's labels, the baseline's own under its name.
CREATE OR REPLACE TEMPORARY VIEW amp_source_labels AS
SELECT model, id, metric, label FROM amp_model_labels
UNION ALL
SELECT s.baseline_name, l.id, l.metric, l.label FROM amp_baseline_labels l CROSS JOIN amp_settings s;

-- Matched items with both sides' labels, for the compared metrics.
CREATE OR REPLACE TEMPORARY VIEW amp_pairs AS
SELECT m.model, b.id, b.metric, b.label AS b_label, m.label AS m_label, i.truth, i.level,
       k.against_truth
FROM amp_baseline_labels b
JOIN amp_source_labels m ON m.id = b.id AND m.metric = b.metric
JOIN amp_baseline i ON i.id = b.id
JOIN amp_metrics k ON k.metric = b.metric AND k.compared = 1;

-- Every source's labels with the truth: the baseline on all its items, models on matched items.
CREATE OR REPLACE TEMPORARY VIEW amp_truth_pairs AS
SELECT s.baseline_name AS source, 0 AS source_position, l.metric, l.label, i.truth, i.level
FROM amp_baseline_labels l
JOIN amp_baseline i ON i.id = l.id
JOIN amp_metrics k ON k.metric = l.metric AND k.against_truth = 1
CROSS JOIN amp_settings s
WHERE s.has_truth = 1
UNION ALL
SELECT m.model AS source, p.position AS source_position, m.metric, m.label, i.truth, i.level
FROM amp_model_labels m
JOIN amp_baseline i ON i.id = m.id
JOIN amp_models p ON p.model = m.model
JOIN amp_metrics k ON k.metric = m.metric AND k.against_truth = 1
CROSS JOIN amp_settings s
WHERE s.has_truth = 1;

-- Every pair once per slice it belongs to: all items, its truth value, its level, its level
-- and truth value.
CREATE OR REPLACE TEMPORARY VIEW amp_pair_slices AS
SELECT model, metric, '' AS group_by, '' AS level, '' AS truth, b_label, m_label FROM amp_pairs
UNION ALL
SELECT model, metric, '', '', CAST(truth AS STRING), b_label, m_label
FROM amp_pairs WHERE truth IS NOT NULL
UNION ALL
SELECT p.model, p.metric, s.group_by, p.level, '', p.b_label, p.m_label
FROM amp_pairs p CROSS JOIN amp_settings s WHERE p.level IS NOT NULL AND s.group_by <> ''
UNION ALL
SELECT p.model, p.metric, s.group_by, p.level, CAST(p.truth AS STRING), p.b_label, p.m_label
FROM amp_pairs p CROSS JOIN amp_settings s
WHERE p.level IS NOT NULL AND p.truth IS NOT NULL AND s.group_by <> '';

-- Paired cells per slice.
CREATE OR REPLACE TEMPORARY VIEW amp_metric_rows AS
SELECT model, metric, group_by, level, truth,
       SUM(CASE WHEN b_label = 1 AND m_label = 1 THEN 1 ELSE 0 END) AS c_both,
       SUM(CASE WHEN b_label = 0 AND m_label = 1 THEN 1 ELSE 0 END) AS c_model_only,
       SUM(CASE WHEN b_label = 1 AND m_label = 0 THEN 1 ELSE 0 END) AS c_baseline_only,
       SUM(CASE WHEN b_label = 0 AND m_label = 0 THEN 1 ELSE 0 END) AS c_neither,
       SUM(CASE WHEN b_label = 2 THEN 1 ELSE 0 END) AS c_invalid_baseline,
       SUM(CASE WHEN m_label = 2 THEN 1 ELSE 0 END) AS c_invalid_model,
       SUM(CASE WHEN b_label = 2 AND m_label = 1 THEN 1 ELSE 0 END) AS c_ib_m1,
       SUM(CASE WHEN b_label = 2 AND m_label = 0 THEN 1 ELSE 0 END) AS c_ib_m0,
       SUM(CASE WHEN m_label = 2 AND b_label = 1 THEN 1 ELSE 0 END) AS c_im_b1,
       SUM(CASE WHEN m_label = 2 AND b_label = 0 THEN 1 ELSE 0 END) AS c_im_b0,
       SUM(CASE WHEN b_label = 2 AND m_label = 2 THEN 1 ELSE 0 END) AS c_invalid_both
FROM amp_pair_slices GROUP BY model, metric, group_by, level, truth;

-- Labels against the truth (tp, fp, fn, tn in the four cells), for all items and each level.
CREATE OR REPLACE TEMPORARY VIEW amp_truth_rows AS
SELECT source, source_position, metric, group_by, level,
       SUM(CASE WHEN truth = 1 AND label = 1 THEN 1 ELSE 0 END) AS c_both,
       SUM(CASE WHEN truth = 0 AND label = 1 THEN 1 ELSE 0 END) AS c_model_only,
       SUM(CASE WHEN truth = 1 AND label = 0 THEN 1 ELSE 0 END) AS c_baseline_only,
       SUM(CASE WHEN truth = 0 AND label = 0 THEN 1 ELSE 0 END) AS c_neither,
       SUM(CASE WHEN truth IS NULL THEN 1 ELSE 0 END) AS c_invalid_baseline,
       SUM(CASE WHEN label = 2 THEN 1 ELSE 0 END) AS c_invalid_model
FROM (
  SELECT source, source_position, metric, '' AS group_by, '' AS level, label, truth FROM amp_truth_pairs
  UNION ALL
  SELECT t.source, t.source_position, t.metric, s.group_by, t.level, t.label, t.truth
  FROM amp_truth_pairs t CROSS JOIN amp_settings s WHERE t.level IS NOT NULL AND s.group_by <> ''
) x
GROUP BY source, source_position, metric, group_by, level;

-- Per matched item: whether every compared metric is valid on both sides, and how many each
-- side shows (the overall score; 1 = face-preserving, so a metric judged against the truth,
-- where 1 = at fault, counts when it is 0).
CREATE OR REPLACE TEMPORARY VIEW amp_item_scores AS
SELECT model, id, level,
       MIN(CASE WHEN b_label < 2 AND m_label < 2 THEN 1 ELSE 0 END) AS all_valid,
       SUM(CASE WHEN b_label = 1 - against_truth THEN 1 ELSE 0 END) AS sum_b,
       SUM(CASE WHEN m_label = 1 - against_truth THEN 1 ELSE 0 END) AS sum_m
FROM amp_pairs
GROUP BY model, id, level;

-- Overall-score sums per model and group level (model rows with a level: amplify's clustered
-- overall score reads them when the grouping is its --cluster column).
CREATE OR REPLACE TEMPORARY VIEW amp_level_scores AS
SELECT model, level,
       SUM(CASE WHEN all_valid = 1 THEN 1 ELSE 0 END) AS score_n,
       SUM(CASE WHEN all_valid = 1 THEN sum_b ELSE 0 END) AS score_sum_baseline,
       SUM(CASE WHEN all_valid = 1 THEN sum_m ELSE 0 END) AS score_sum_model,
       SUM(CASE WHEN all_valid = 1 THEN (sum_m - sum_b) * (sum_m - sum_b) ELSE 0 END) AS score_sum_sq_diff
FROM amp_item_scores WHERE level IS NOT NULL GROUP BY model, level;

-- Alignment and overall-score sums per model.
CREATE OR REPLACE TEMPORARY VIEW amp_model_rows AS
SELECT p.model, p.position,
       COALESCE(j.matched, 0) AS matched,
       (SELECT COUNT(*) FROM amp_baseline) - COALESCE(j.matched, 0) AS baseline_only_ids,
       COALESCE(n.items, 0) - COALESCE(j.matched, 0) AS model_only_ids,
       COALESCE(sc.score_n, 0) AS score_n,
       COALESCE(sc.score_sum_baseline, 0) AS score_sum_baseline,
       COALESCE(sc.score_sum_model, 0) AS score_sum_model,
       COALESCE(sc.score_sum_sq_diff, 0) AS score_sum_sq_diff
FROM amp_sources p
LEFT JOIN (
  SELECT model, COUNT(*) AS items FROM (SELECT DISTINCT model, id FROM amp_source_labels) d GROUP BY model
) n ON n.model = p.model
LEFT JOIN (
  SELECT d.model, COUNT(*) AS matched
  FROM (SELECT DISTINCT model, id FROM amp_source_labels) d JOIN amp_baseline b ON b.id = d.id
  GROUP BY d.model
) j ON j.model = p.model
LEFT JOIN (
  SELECT model,
         SUM(CASE WHEN all_valid = 1 THEN 1 ELSE 0 END) AS score_n,
         SUM(CASE WHEN all_valid = 1 THEN sum_b ELSE 0 END) AS score_sum_baseline,
         SUM(CASE WHEN all_valid = 1 THEN sum_m ELSE 0 END) AS score_sum_model,
         SUM(CASE WHEN all_valid = 1 THEN (sum_m - sum_b) * (sum_m - sum_b) ELSE 0 END) AS score_sum_sq_diff
  FROM amp_item_scores GROUP BY model
) sc ON sc.model = p.model;

-- Every row of the counts table, with the ranks that order it as amplify writes it
-- (sql/pairs.sql adds the pair rows to it).
CREATE OR REPLACE TEMPORARY VIEW amp_count_rows AS
SELECT 1 AS kind_rank, p.position AS source_rank, k.position AS metric_rank,
       'metric' AS kind, r.model, r.metric, r.group_by, r.level, r.truth,
       r.c_both, r.c_model_only, r.c_baseline_only, r.c_neither, r.c_invalid_baseline, r.c_invalid_model,
       0 AS c_matched, 0 AS c_baseline_only_ids, 0 AS c_model_only_ids, 0 AS c_score_n,
       0 AS c_score_sum_baseline, 0 AS c_score_sum_model, 0 AS c_score_sum_sq_diff,
       0 AS c_unassigned, 0 AS c_ambiguous,
       r.c_ib_m1, r.c_ib_m0, r.c_im_b1, r.c_im_b0, r.c_invalid_both
FROM amp_metric_rows r JOIN amp_sources p ON p.model = r.model JOIN amp_metrics k ON k.metric = r.metric
UNION ALL
SELECT 2, t.source_position, k.position, 'truth', t.source, t.metric, t.group_by, t.level, '',
       t.c_both, t.c_model_only, t.c_baseline_only, t.c_neither, t.c_invalid_baseline, t.c_invalid_model,
       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
FROM amp_truth_rows t JOIN amp_metrics k ON k.metric = t.metric
UNION ALL
SELECT 3, m.position, 0, 'model', m.model, '', '', '', '',
       0, 0, 0, 0, 0, 0,
       m.matched, m.baseline_only_ids, m.model_only_ids, m.score_n,
       m.score_sum_baseline, m.score_sum_model, m.score_sum_sq_diff, 0, 0, 0, 0, 0, 0, 0
FROM amp_model_rows m
UNION ALL
SELECT 3, p.position, 0, 'model', x.model, '', s.group_by, x.level, '',
       0, 0, 0, 0, 0, 0, 0, 0, 0, x.score_n,
       x.score_sum_baseline, x.score_sum_model, x.score_sum_sq_diff, 0, 0, 0, 0, 0, 0, 0
FROM amp_level_scores x JOIN amp_sources p ON p.model = x.model CROSS JOIN amp_settings s
WHERE s.group_by <> ''
UNION ALL
SELECT 4, 0, 0, 'grouping', '', '', s.group_by, '', '',
       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
       SUM(CASE WHEN b.level IS NULL AND b.ambiguous = 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN b.ambiguous = 1 THEN 1 ELSE 0 END), 0, 0, 0, 0, 0
FROM amp_baseline b CROSS JOIN amp_settings s
WHERE s.group_by <> ''
GROUP BY s.group_by;

-- The counts table, ordered as amplify writes it (the last statement: export its result).
SELECT kind, model, metric, group_by, level, truth,
       CAST(c_both AS BIGINT) AS both, CAST(c_model_only AS BIGINT) AS model_only,
       CAST(c_baseline_only AS BIGINT) AS baseline_only, CAST(c_neither AS BIGINT) AS neither,
       CAST(c_invalid_baseline AS BIGINT) AS invalid_baseline,
       CAST(c_invalid_model AS BIGINT) AS invalid_model,
       CAST(c_matched AS BIGINT) AS matched, CAST(c_baseline_only_ids AS BIGINT) AS baseline_only_ids,
       CAST(c_model_only_ids AS BIGINT) AS model_only_ids, CAST(c_score_n AS BIGINT) AS score_n,
       CAST(c_score_sum_baseline AS BIGINT) AS score_sum_baseline,
       CAST(c_score_sum_model AS BIGINT) AS score_sum_model,
       CAST(c_score_sum_sq_diff AS BIGINT) AS score_sum_sq_diff,
       CAST(c_unassigned AS BIGINT) AS unassigned, CAST(c_ambiguous AS BIGINT) AS ambiguous,
       CAST(c_ib_m1 AS BIGINT) AS invalid_baseline_model_1, CAST(c_ib_m0 AS BIGINT) AS invalid_baseline_model_0,
       CAST(c_im_b1 AS BIGINT) AS invalid_model_baseline_1, CAST(c_im_b0 AS BIGINT) AS invalid_model_baseline_0,
       CAST(c_invalid_both AS BIGINT) AS invalid_both
FROM amp_count_rows
ORDER BY kind_rank, source_rank, group_by, level, truth, metric_rank;
