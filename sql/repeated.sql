-- amplify counts table of a repeated run (--sample, --annotator, --repeated) in portable SQL
-- (tested on DuckDB and Apache Spark SQL: joins, CASE, GROUP BY, UNION ALL and window MAX /
-- ROW_NUMBER only).
--
-- It computes exactly the table `amplify count --sample COL ...` writes (docs/FORMATS.md, "The
-- counts table"): every source is reduced to one row per item and metric (k = valid samples,
-- s = samples that are 1, the first valid sample by the sample column; the item value is s/k for
-- --aggregate mean), then per model the matched items give the item-level sums of each slice,
-- the truth rows the sums of each source's item values against the truth, the model row the
-- overall-score sums, and each repeating source one `repeat` row per metric. Fractional values
-- enter every sum in whole units of 2^-32, rounded half up (fixed(x) = FLOOR(x * 2^32 + 0.5)),
-- so all sums are integers: the same bit for bit as amplify's, and shards of disjoint items add
-- up (compute one table per shard and pass each with --counts). A metric or truth row whose item
-- values are all 0 or 1 is written as the ordinary 2x2 cells instead, and the model row then also
-- carries the whole score sums, as amplify does, so a run with one sample per item gives the
-- ordinary findings. Not written: the per-level overall-score rows (`model` rows with a level)
-- that `amplify count` adds for the clustered overall score; a table from this SQL gives the
-- overall score of a --cluster run unclustered, and says so (sql/check.py leaves those rows out).
--
-- Parameters: before this file, define six views (sql/params_sample_repeats.sql does it for the
-- sample's repeated set; copy and edit it):
--   amp_settings(baseline_name, group_by, has_truth, baseline_repeats, models_repeat, aggregate)
--       one row: as for sql/counts.sql, plus baseline_repeats = 1 when the baseline may repeat
--       ids (--annotator or --repeated), models_repeat = 1 when the models may (--sample or
--       --repeated): those sources get `repeat` rows; aggregate = 'mean', 'majority' or 'first'
--       (amplify's --aggregate).
--   amp_metrics(metric, position, compared, against_truth)    as for sql/counts.sql (at most 16
--       compared metrics; more give a row amplify refuses, naming this limit).
--   amp_models(model, position)                               as for sql/counts.sql.
--   amp_baseline(id, truth, level, ambiguous)
--       one row per baseline ITEM (not per annotation): truth 1/0/NULL, level, ambiguous as for
--       sql/counts.sql. amplify takes them from the item's first row in file order; SQL has no
--       file order, so they must be the same on every row of an item (then GROUP BY id, MAX()).
--   amp_baseline_samples(id, sample, metric, label)
--       one row per baseline row (annotation) and metric the baseline has: sample = the
--       --annotator column as it is, label 1, 0 or 2 (invalid; NULL also counts as invalid).
--       Without an order column (--repeated alone, or a baseline that does not repeat), amplify
--       orders by file row: give a column holding the row's position then.
--   amp_model_samples(model, id, sample, metric, label)
--       the same for every model row and metric the model has, sample = the --sample column.
-- The label expressions are those of sql/counts.sql (see params_sample_repeats.sql).
-- Rules the SQL leaves to you (amplify checks them on files and stops): ids not null; every row
-- has a sample value and the values of one item are distinct; a source that does not repeat has
-- unique ids. And: the sample column has one type across the models, as samples are ordered by
-- its type (text: '10' < '2').
--
-- The last statement is a SELECT returning the table: kind, model, metric, group_by, level, truth,
-- the 15 BIGINT counts of sql/counts.sql, then the 10 whole-number columns (items,
-- items_negative, samples, sum_k_sq, positives, repeated, repeated_samples, repeated_positives,
-- disagree, first_positive) and the 13 sums in units of 2^-32 (sum_model, sum_baseline,
-- sum_model_sq, sum_baseline_sq, sum_cross, sum_negative, sum_sq_negative, sum_sq_diff,
-- sum_s_sq_over_k, sum_mean, sum_mean_sq, sum_within, sum_agreement), then the five columns
-- that say where the invalid labels fall (invalid_baseline_model_1, ..., invalid_both: items on a
-- 2x2 row, units of 2^-32 item values on a row of sums), ordered as amplify writes them. Export it as Parquet or CSV (sql/check.py shows how with DuckDB and with Spark).
--
-- Bit equality: each item value is computed with amplify's operations in amplify's order, in
-- DOUBLE (mean = s/k; squares v*v; the item score = (v_1 + v_2 + ...) / number of compared
-- metrics, in metric order, with truth-judged metrics as 1 - v; d = m_score - b_score), and
-- fixed() truncates with FLOOR (a plain CAST to BIGINT rounds to nearest in DuckDB and truncates
-- in Spark). Floating-point literals are written 1E0 (DOUBLE in both engines; 1.0 is a DECIMAL).

-- The compared metrics numbered 1, 2, ... in metric order (the order of the overall score's sum).
CREATE OR REPLACE TEMPORARY VIEW amp_r_ranks AS
SELECT k.metric, COUNT(*) AS compared_rank
FROM amp_metrics k JOIN amp_metrics j ON j.compared = 1 AND j.position <= k.position
WHERE k.compared = 1
GROUP BY k.metric;

-- The models and, last, the baseline counted as its own model (amplify's rows whose model is the
-- baseline, for the data's own findings; see sql/counts.sql).
CREATE OR REPLACE TEMPORARY VIEW amp_r_sources AS
SELECT model, position FROM amp_models
UNION ALL
SELECT s.baseline_name, (SELECT COALESCE(MAX(position), 0) + 1 FROM amp_models)
FROM amp_settings s;

-- The baseline reduced to one row per item and metric, as amplify's item frames: valid samples k,
-- ones s, and the label of the first valid sample by the sample column (NULLS FIRST as amplify
-- sorts, though it refuses NULL sample values). One pass over the samples: valid ones numbered first.
CREATE OR REPLACE TEMPORARY VIEW amp_r_baseline_items AS
SELECT id, metric, SUM(valid) AS k, SUM(CASE WHEN label = 1 THEN 1 ELSE 0 END) AS s,
       MAX(CASE WHEN rn = 1 AND valid = 1 THEN label END) AS first_label
FROM (
  SELECT id, metric, label, CASE WHEN label = 0 OR label = 1 THEN 1 ELSE 0 END AS valid,
         ROW_NUMBER() OVER (PARTITION BY id, metric
                            ORDER BY CASE WHEN label = 0 OR label = 1 THEN 0 ELSE 1 END,
                                     sample ASC NULLS FIRST) AS rn
  FROM amp_baseline_samples
) r
GROUP BY id, metric;

-- Every source reduced likewise: the baseline (rank 0), each model, and the baseline's own model
-- (its items again, ranked last).
CREATE OR REPLACE TEMPORARY VIEW amp_r_items AS
SELECT st.baseline_name AS source, 0 AS source_rank, x.id, x.metric, x.k, x.s, x.first_label
FROM amp_r_baseline_items x
CROSS JOIN amp_settings st
UNION ALL
SELECT st.baseline_name, p.position, x.id, x.metric, x.k, x.s, x.first_label
FROM amp_r_baseline_items x
CROSS JOIN amp_settings st
JOIN amp_r_sources p ON p.model = st.baseline_name
UNION ALL
SELECT x.model, p.position, x.id, x.metric, x.k, x.s, x.first_label
FROM (
  SELECT model, id, metric, SUM(valid) AS k, SUM(CASE WHEN label = 1 THEN 1 ELSE 0 END) AS s,
         MAX(CASE WHEN rn = 1 AND valid = 1 THEN label END) AS first_label
  FROM (
    SELECT model, id, metric, label, CASE WHEN label = 0 OR label = 1 THEN 1 ELSE 0 END AS valid,
           ROW_NUMBER() OVER (PARTITION BY model, id, metric
                              ORDER BY CASE WHEN label = 0 OR label = 1 THEN 0 ELSE 1 END,
                                       sample ASC NULLS FIRST) AS rn
    FROM amp_model_samples
  ) r
  GROUP BY model, id, metric
) x
JOIN amp_models p ON p.model = x.model;

-- The item values (NULL = invalid: no valid sample, or a majority tie).
CREATE OR REPLACE TEMPORARY VIEW amp_r_values AS
SELECT i.source, i.source_rank, i.id, i.metric, k.position, k.compared, k.against_truth,
       i.k, i.s, i.first_label,
       CASE WHEN st.aggregate = 'majority' THEN
                 CASE WHEN i.k > 0 AND 2 * i.s > i.k THEN 1E0 WHEN i.k > 0 AND 2 * i.s < i.k THEN 0E0 END
            WHEN st.aggregate = 'first' THEN CAST(i.first_label AS DOUBLE)
            ELSE CASE WHEN i.k > 0 THEN CAST(i.s AS DOUBLE) / CAST(i.k AS DOUBLE) END
       END AS value
FROM amp_r_items i
JOIN amp_metrics k ON k.metric = i.metric
CROSS JOIN amp_settings st;

-- Matched items (in the baseline and the model) with both values, per compared metric the model
-- has (the baseline's value taken by a window rather than a self-join: one pass over the items).
CREATE OR REPLACE TEMPORARY VIEW amp_r_pairs AS
SELECT v.source AS model, v.source_rank AS model_rank, v.id, v.metric, v.position, v.against_truth,
       v.b, v.value AS m, i.truth, i.level
FROM (
  SELECT x.source, x.source_rank, x.id, x.metric, x.position, x.against_truth, x.value,
         MAX(CASE WHEN x.source_rank = 0 THEN 1 ELSE 0 END) OVER (PARTITION BY x.id, x.metric) AS in_baseline,
         MAX(CASE WHEN x.source_rank = 0 THEN x.value END) OVER (PARTITION BY x.id, x.metric) AS b
  FROM amp_r_values x
  WHERE x.compared = 1
) v
JOIN amp_baseline i ON i.id = v.id
WHERE v.source_rank > 0 AND v.in_baseline = 1;

-- Per matched item and metric: valid on both sides, the values in units, the invalid sides.
CREATE OR REPLACE TEMPORARY VIEW amp_r_pair_items AS
SELECT model, model_rank, metric, position, truth, level,
       CASE WHEN b IS NOT NULL AND m IS NOT NULL THEN 1 ELSE 0 END AS valid,
       CASE WHEN b IS NOT NULL AND m IS NOT NULL
            THEN CAST(FLOOR(m * 4294967296E0 + 0.5E0) AS BIGINT) ELSE 0 END AS fm,
       CASE WHEN b IS NOT NULL AND m IS NOT NULL
            THEN CAST(FLOOR(b * 4294967296E0 + 0.5E0) AS BIGINT) ELSE 0 END AS fb,
       CASE WHEN b IS NOT NULL AND m IS NOT NULL
            THEN CAST(FLOOR(m * m * 4294967296E0 + 0.5E0) AS BIGINT) ELSE 0 END AS fmm,
       CASE WHEN b IS NOT NULL AND m IS NOT NULL
            THEN CAST(FLOOR(b * b * 4294967296E0 + 0.5E0) AS BIGINT) ELSE 0 END AS fbb,
       CASE WHEN b IS NOT NULL AND m IS NOT NULL
            THEN CAST(FLOOR(m * b * 4294967296E0 + 0.5E0) AS BIGINT) ELSE 0 END AS fmb,
       CASE WHEN b IS NULL THEN 1 ELSE 0 END AS ib,
       CASE WHEN m IS NULL THEN 1 ELSE 0 END AS im,
       -- where the invalid items fall: the other side's value (units), and neither side valid
       CASE WHEN b IS NULL AND m IS NOT NULL
            THEN CAST(FLOOR(m * 4294967296E0 + 0.5E0) AS BIGINT) ELSE 0 END AS fvm,
       CASE WHEN m IS NULL AND b IS NOT NULL
            THEN CAST(FLOOR(b * 4294967296E0 + 0.5E0) AS BIGINT) ELSE 0 END AS fvb,
       CASE WHEN b IS NULL AND m IS NULL THEN 1 ELSE 0 END AS ibm
FROM amp_r_pairs;

-- Item-level sums per slice: all items, each truth value, each level, each level and truth value
-- (each item once per slice kind it belongs to: one pass over the items, not one per kind).
CREATE OR REPLACE TEMPORARY VIEW amp_r_metric_sums AS
SELECT model, model_rank, metric, position, group_by, level, truth,
       SUM(valid) AS n, SUM(fm) AS sm, SUM(fb) AS sb, SUM(fmm) AS smm, SUM(fbb) AS sbb, SUM(fmb) AS smb,
       SUM(ib) AS ib, SUM(im) AS im, SUM(fvm) AS svm, SUM(fvb) AS svb, SUM(ibm) AS sibm
FROM (
  SELECT p.model, p.model_rank, p.metric, p.position,
         CASE WHEN k.by_level = 1 THEN s.group_by ELSE '' END AS group_by,
         CASE WHEN k.by_level = 1 THEN p.level ELSE '' END AS level,
         CASE WHEN k.by_truth = 1 THEN CAST(p.truth AS STRING) ELSE '' END AS truth,
         p.valid, p.fm, p.fb, p.fmm, p.fbb, p.fmb, p.ib, p.im, p.fvm, p.fvb, p.ibm
  FROM amp_r_pair_items p
  CROSS JOIN (SELECT 0 AS by_level, 0 AS by_truth UNION ALL SELECT 0, 1
              UNION ALL SELECT 1, 0 UNION ALL SELECT 1, 1) k
  CROSS JOIN amp_settings s
  WHERE (k.by_truth = 0 OR p.truth IS NOT NULL)
    AND (k.by_level = 0 OR (p.level IS NOT NULL AND s.group_by <> ''))
) x
GROUP BY model, model_rank, metric, position, group_by, level, truth;

-- Binary when every value is 0 or 1 (amplify's Moments::as_binary), the other side's values of
-- the invalid items too: then the 2x2 table and the invalid cells in items, else the sums and the
-- cells in units.
CREATE OR REPLACE TEMPORARY VIEW amp_r_metric_rows AS
SELECT r.*,
       CASE WHEN smm = sm AND sbb = sb AND svm % 4294967296 = 0 AND svb % 4294967296 = 0
                 AND sm % 4294967296 = 0 AND sb % 4294967296 = 0 AND smb % 4294967296 = 0
                 AND smb <= sm AND smb <= sb AND n * 4294967296 + smb >= sm + sb
            THEN 1 ELSE 0 END AS is_binary
FROM amp_r_metric_sums r;

-- Per matched item: whether every compared metric is valid on both sides, and each side's sum of
-- item values over the compared metrics (judged against the truth: 1 - v), added in metric order
-- (a metric the model lacks adds an exact 0).
CREATE OR REPLACE TEMPORARY VIEW amp_r_score_terms AS
SELECT p.model, p.id, r.compared_rank,
       CASE WHEN p.b IS NOT NULL AND p.m IS NOT NULL THEN 1 ELSE 0 END AS valid,
       CASE WHEN p.against_truth = 1 THEN 1E0 - p.b ELSE p.b END AS bs,
       CASE WHEN p.against_truth = 1 THEN 1E0 - p.m ELSE p.m END AS ms
FROM amp_r_pairs p JOIN amp_r_ranks r ON r.metric = p.metric;

CREATE OR REPLACE TEMPORARY VIEW amp_r_score_pivot AS
SELECT model, id, MIN(valid) AS all_valid, COUNT(*) AS metrics,
       MAX(CASE WHEN compared_rank = 1 THEN bs END) AS b1, MAX(CASE WHEN compared_rank = 2 THEN bs END) AS b2,
       MAX(CASE WHEN compared_rank = 3 THEN bs END) AS b3, MAX(CASE WHEN compared_rank = 4 THEN bs END) AS b4,
       MAX(CASE WHEN compared_rank = 5 THEN bs END) AS b5, MAX(CASE WHEN compared_rank = 6 THEN bs END) AS b6,
       MAX(CASE WHEN compared_rank = 7 THEN bs END) AS b7, MAX(CASE WHEN compared_rank = 8 THEN bs END) AS b8,
       MAX(CASE WHEN compared_rank = 9 THEN bs END) AS b9, MAX(CASE WHEN compared_rank = 10 THEN bs END) AS b10,
       MAX(CASE WHEN compared_rank = 11 THEN bs END) AS b11, MAX(CASE WHEN compared_rank = 12 THEN bs END) AS b12,
       MAX(CASE WHEN compared_rank = 13 THEN bs END) AS b13, MAX(CASE WHEN compared_rank = 14 THEN bs END) AS b14,
       MAX(CASE WHEN compared_rank = 15 THEN bs END) AS b15, MAX(CASE WHEN compared_rank = 16 THEN bs END) AS b16,
       MAX(CASE WHEN compared_rank = 1 THEN ms END) AS m1, MAX(CASE WHEN compared_rank = 2 THEN ms END) AS m2,
       MAX(CASE WHEN compared_rank = 3 THEN ms END) AS m3, MAX(CASE WHEN compared_rank = 4 THEN ms END) AS m4,
       MAX(CASE WHEN compared_rank = 5 THEN ms END) AS m5, MAX(CASE WHEN compared_rank = 6 THEN ms END) AS m6,
       MAX(CASE WHEN compared_rank = 7 THEN ms END) AS m7, MAX(CASE WHEN compared_rank = 8 THEN ms END) AS m8,
       MAX(CASE WHEN compared_rank = 9 THEN ms END) AS m9, MAX(CASE WHEN compared_rank = 10 THEN ms END) AS m10,
       MAX(CASE WHEN compared_rank = 11 THEN ms END) AS m11, MAX(CASE WHEN compared_rank = 12 THEN ms END) AS m12,
       MAX(CASE WHEN compared_rank = 13 THEN ms END) AS m13, MAX(CASE WHEN compared_rank = 14 THEN ms END) AS m14,
       MAX(CASE WHEN compared_rank = 15 THEN ms END) AS m15, MAX(CASE WHEN compared_rank = 16 THEN ms END) AS m16
FROM amp_r_score_terms
GROUP BY model, id;

CREATE OR REPLACE TEMPORARY VIEW amp_r_score_items AS
SELECT model, id, all_valid, CAST(metrics AS DOUBLE) AS metrics,
       (((((((((((((((COALESCE(b1, 0E0) + COALESCE(b2, 0E0)) + COALESCE(b3, 0E0)) + COALESCE(b4, 0E0))
       + COALESCE(b5, 0E0)) + COALESCE(b6, 0E0)) + COALESCE(b7, 0E0)) + COALESCE(b8, 0E0))
       + COALESCE(b9, 0E0)) + COALESCE(b10, 0E0)) + COALESCE(b11, 0E0)) + COALESCE(b12, 0E0))
       + COALESCE(b13, 0E0)) + COALESCE(b14, 0E0)) + COALESCE(b15, 0E0)) + COALESCE(b16, 0E0)) AS sum_b,
       (((((((((((((((COALESCE(m1, 0E0) + COALESCE(m2, 0E0)) + COALESCE(m3, 0E0)) + COALESCE(m4, 0E0))
       + COALESCE(m5, 0E0)) + COALESCE(m6, 0E0)) + COALESCE(m7, 0E0)) + COALESCE(m8, 0E0))
       + COALESCE(m9, 0E0)) + COALESCE(m10, 0E0)) + COALESCE(m11, 0E0)) + COALESCE(m12, 0E0))
       + COALESCE(m13, 0E0)) + COALESCE(m14, 0E0)) + COALESCE(m15, 0E0)) + COALESCE(m16, 0E0)) AS sum_m
FROM amp_r_score_pivot;

-- Overall-score sums per model over the items valid on every compared metric: the item scores
-- b = sum_b / metrics, m = sum_m / metrics and d = m - b in units (Σ b, Σ m, Σ d²), and the
-- whole-number sums of the item sums (used when every value is 0 or 1).
CREATE OR REPLACE TEMPORARY VIEW amp_r_scores AS
SELECT model,
       SUM(all_valid) AS score_n,
       SUM(CASE WHEN all_valid = 1
                THEN CAST(FLOOR(sum_b / metrics * 4294967296E0 + 0.5E0) AS BIGINT) ELSE 0 END) AS scb,
       SUM(CASE WHEN all_valid = 1
                THEN CAST(FLOOR(sum_m / metrics * 4294967296E0 + 0.5E0) AS BIGINT) ELSE 0 END) AS scm,
       SUM(CASE WHEN all_valid = 1
                THEN CAST(FLOOR((sum_m / metrics - sum_b / metrics) * (sum_m / metrics - sum_b / metrics)
                                * 4294967296E0 + 0.5E0) AS BIGINT) ELSE 0 END) AS scq,
       SUM(CASE WHEN all_valid = 1 THEN CAST(sum_b AS BIGINT) ELSE 0 END) AS swb,
       SUM(CASE WHEN all_valid = 1 THEN CAST(sum_m AS BIGINT) ELSE 0 END) AS swm,
       SUM(CASE WHEN all_valid = 1 THEN CAST((sum_m - sum_b) * (sum_m - sum_b) AS BIGINT) ELSE 0 END) AS swq
FROM amp_r_score_items
GROUP BY model;

-- Alignment and overall score per model: the sums of the item scores in units always (so a shard
-- whose values are all 0/1 merges with one whose are not), and the whole-number score sums too
-- when every compared metric is binary over all matched items (amplify's model row).
CREATE OR REPLACE TEMPORARY VIEW amp_r_model_rows AS
SELECT p.model, p.position,
       COALESCE(n.matched, 0) AS matched,
       (SELECT COUNT(*) FROM amp_baseline) - COALESCE(n.matched, 0) AS baseline_only_ids,
       COALESCE(n.items, 0) - COALESCE(n.matched, 0) AS model_only_ids,
       COALESCE(sc.score_n, 0) AS score_n,
       COALESCE(bi.is_binary, 1) AS is_binary,
       COALESCE(sc.scb, 0) AS scb, COALESCE(sc.scm, 0) AS scm, COALESCE(sc.scq, 0) AS scq,
       COALESCE(sc.swb, 0) AS swb, COALESCE(sc.swm, 0) AS swm, COALESCE(sc.swq, 0) AS swq
FROM amp_r_sources p
LEFT JOIN (
  SELECT d.model, COUNT(*) AS items, SUM(CASE WHEN b.id IS NOT NULL THEN 1 ELSE 0 END) AS matched
  FROM (
    SELECT DISTINCT model, id FROM amp_model_samples
    UNION ALL
    SELECT DISTINCT s.baseline_name, x.id FROM amp_baseline_samples x CROSS JOIN amp_settings s
  ) d LEFT JOIN amp_baseline b ON b.id = d.id
  GROUP BY d.model
) n ON n.model = p.model
LEFT JOIN amp_r_scores sc ON sc.model = p.model
LEFT JOIN (
  SELECT model, MIN(is_binary) AS is_binary FROM amp_r_metric_rows
  WHERE group_by = '' AND truth = '' GROUP BY model
) bi ON bi.model = p.model;

-- Every source's item values of the metrics judged against the truth, with the baseline item's
-- truth and level: the baseline on all its items, each model on its matched items.
CREATE OR REPLACE TEMPORARY VIEW amp_r_truth_items AS
SELECT v.source, v.source_rank, v.metric, v.position, i.truth, i.level,
       CASE WHEN v.value IS NOT NULL THEN 1 ELSE 0 END AS valid,
       CASE WHEN v.value IS NOT NULL THEN CAST(FLOOR(v.value * 4294967296E0 + 0.5E0) AS BIGINT) ELSE 0 END AS fv,
       CASE WHEN v.value IS NOT NULL
            THEN CAST(FLOOR(v.value * v.value * 4294967296E0 + 0.5E0) AS BIGINT) ELSE 0 END AS fvv
FROM amp_r_values v
JOIN amp_baseline i ON i.id = v.id
CROSS JOIN amp_settings s
-- (the baseline's own model repeats the baseline's truth rows: left out)
WHERE v.against_truth = 1 AND s.has_truth = 1 AND (v.source_rank = 0 OR v.source <> s.baseline_name);

-- Per source, truth metric and slice (all items, each level): the sums on truth-positive and
-- truth-negative items, the items with an invalid truth, the invalid labels.
CREATE OR REPLACE TEMPORARY VIEW amp_r_truth_rows AS
SELECT r.*,
       CASE WHEN ss_pos = s_pos AND ss_neg = s_neg AND s_pos % 4294967296 = 0 AND s_neg % 4294967296 = 0
                 AND n_pos * 4294967296 >= s_pos AND n_neg * 4294967296 >= s_neg
            THEN 1 ELSE 0 END AS is_binary
FROM (
  SELECT source, source_rank, metric, position, group_by, level,
         SUM(CASE WHEN truth = 1 THEN valid ELSE 0 END) AS n_pos,
         SUM(CASE WHEN truth = 1 THEN fv ELSE 0 END) AS s_pos,
         SUM(CASE WHEN truth = 1 THEN fvv ELSE 0 END) AS ss_pos,
         SUM(CASE WHEN truth = 0 THEN valid ELSE 0 END) AS n_neg,
         SUM(CASE WHEN truth = 0 THEN fv ELSE 0 END) AS s_neg,
         SUM(CASE WHEN truth = 0 THEN fvv ELSE 0 END) AS ss_neg,
         SUM(CASE WHEN truth IS NULL THEN 1 ELSE 0 END) AS invalid_truth,
         SUM(1 - valid) AS invalid_label
  FROM (
    SELECT t.source, t.source_rank, t.metric, t.position,
           CASE WHEN k.by_level = 1 THEN s.group_by ELSE '' END AS group_by,
           CASE WHEN k.by_level = 1 THEN t.level ELSE '' END AS level,
           t.truth, t.valid, t.fv, t.fvv
    FROM amp_r_truth_items t
    CROSS JOIN (SELECT 0 AS by_level UNION ALL SELECT 1) k
    CROSS JOIN amp_settings s
    WHERE k.by_level = 0 OR (t.level IS NOT NULL AND s.group_by <> '')
  ) x
  GROUP BY source, source_rank, metric, position, group_by, level
) r;

-- Repeat sums per repeating source and metric over all its items (k, s as DOUBLE; fractions in units).
CREATE OR REPLACE TEMPORARY VIEW amp_r_repeat_rows AS
SELECT source, source_rank, metric, position,
       SUM(CASE WHEN k > 0 THEN 1 ELSE 0 END) AS items,
       SUM(k) AS samples,
       SUM(k * k) AS sum_k_sq,
       SUM(s) AS positives,
       SUM(CASE WHEN k > 0 THEN CAST(FLOOR(sd * sd / kd * 4294967296E0 + 0.5E0) AS BIGINT) ELSE 0 END)
         AS sum_s_sq_over_k,
       SUM(CASE WHEN k > 0 THEN CAST(FLOOR(sd / kd * 4294967296E0 + 0.5E0) AS BIGINT) ELSE 0 END) AS sum_mean,
       SUM(CASE WHEN k > 0 THEN CAST(FLOOR(sd / kd * (sd / kd) * 4294967296E0 + 0.5E0) AS BIGINT) ELSE 0 END)
         AS sum_mean_sq,
       SUM(CASE WHEN k >= 2 THEN 1 ELSE 0 END) AS repeated,
       SUM(CASE WHEN k >= 2 THEN k ELSE 0 END) AS repeated_samples,
       SUM(CASE WHEN k >= 2 THEN s ELSE 0 END) AS repeated_positives,
       SUM(CASE WHEN s > 0 AND s < k THEN 1 ELSE 0 END) AS disagree,
       SUM(CASE WHEN k >= 2
                THEN CAST(FLOOR(sd * (kd - sd) / (kd * (kd - 1E0)) * 4294967296E0 + 0.5E0) AS BIGINT)
                ELSE 0 END) AS sum_within,
       SUM(CASE WHEN k >= 2
                THEN CAST(FLOOR((sd * (sd - 1E0) + (kd - sd) * (kd - sd - 1E0)) / (kd * (kd - 1E0))
                                * 4294967296E0 + 0.5E0) AS BIGINT)
                ELSE 0 END) AS sum_agreement,
       SUM(CASE WHEN first_label = 1 THEN 1 ELSE 0 END) AS first_positive
FROM (
  SELECT v.source, v.source_rank, v.metric, v.position, v.k, v.s, v.first_label,
         CAST(v.k AS DOUBLE) AS kd, CAST(v.s AS DOUBLE) AS sd
  FROM amp_r_values v CROSS JOIN amp_settings st
  WHERE (v.source_rank = 0 AND st.baseline_repeats = 1)
     OR (v.source_rank > 0 AND st.models_repeat = 1 AND v.source <> st.baseline_name)
) x
GROUP BY source, source_rank, metric, position;

-- Every row of the counts table, with the ranks that order it as amplify writes it.
CREATE OR REPLACE TEMPORARY VIEW amp_r_count_rows AS
SELECT 1 AS kind_rank, r.model_rank AS source_rank, r.position AS metric_rank,
       'metric' AS kind, r.model, r.metric, r.group_by, r.level, r.truth,
       CASE WHEN is_binary = 1 THEN smb / 4294967296 ELSE 0 END AS c_both,
       CASE WHEN is_binary = 1 THEN (sm - smb) / 4294967296 ELSE 0 END AS c_model_only,
       CASE WHEN is_binary = 1 THEN (sb - smb) / 4294967296 ELSE 0 END AS c_baseline_only,
       CASE WHEN is_binary = 1 THEN n - (sm + sb - smb) / 4294967296 ELSE 0 END AS c_neither,
       ib AS c_invalid_baseline, im AS c_invalid_model,
       0 AS c_matched, 0 AS c_baseline_only_ids, 0 AS c_model_only_ids, 0 AS c_score_n,
       0 AS c_score_sum_baseline, 0 AS c_score_sum_model, 0 AS c_score_sum_sq_diff,
       0 AS c_unassigned, 0 AS c_ambiguous,
       CASE WHEN is_binary = 1 THEN 0 ELSE n END AS c_items, 0 AS c_items_negative,
       0 AS c_samples, 0 AS c_sum_k_sq, 0 AS c_positives, 0 AS c_repeated, 0 AS c_repeated_samples,
       0 AS c_repeated_positives, 0 AS c_disagree, 0 AS c_first_positive,
       CASE WHEN is_binary = 1 THEN 0 ELSE sm END AS c_sum_model,
       CASE WHEN is_binary = 1 THEN 0 ELSE sb END AS c_sum_baseline,
       CASE WHEN is_binary = 1 THEN 0 ELSE smm END AS c_sum_model_sq,
       CASE WHEN is_binary = 1 THEN 0 ELSE sbb END AS c_sum_baseline_sq,
       CASE WHEN is_binary = 1 THEN 0 ELSE smb END AS c_sum_cross,
       0 AS c_sum_negative, 0 AS c_sum_sq_negative, 0 AS c_sum_sq_diff, 0 AS c_sum_s_sq_over_k,
       0 AS c_sum_mean, 0 AS c_sum_mean_sq, 0 AS c_sum_within, 0 AS c_sum_agreement,
       CASE WHEN is_binary = 1 THEN svm / 4294967296 ELSE svm END AS c_ib_m1,
       CASE WHEN is_binary = 1 THEN (ib - sibm) - svm / 4294967296
            ELSE (ib - sibm) * 4294967296 - svm END AS c_ib_m0,
       CASE WHEN is_binary = 1 THEN svb / 4294967296 ELSE svb END AS c_im_b1,
       CASE WHEN is_binary = 1 THEN (im - sibm) - svb / 4294967296
            ELSE (im - sibm) * 4294967296 - svb END AS c_im_b0,
       CASE WHEN is_binary = 1 THEN sibm ELSE sibm * 4294967296 END AS c_invalid_both
FROM amp_r_metric_rows r
UNION ALL
SELECT 2, t.source_rank, t.position, 'truth', t.source, t.metric, t.group_by, t.level, '',
       CASE WHEN is_binary = 1 THEN s_pos / 4294967296 ELSE 0 END,
       CASE WHEN is_binary = 1 THEN s_neg / 4294967296 ELSE 0 END,
       CASE WHEN is_binary = 1 THEN n_pos - s_pos / 4294967296 ELSE 0 END,
       CASE WHEN is_binary = 1 THEN n_neg - s_neg / 4294967296 ELSE 0 END,
       invalid_truth, invalid_label,
       0, 0, 0, 0, 0, 0, 0, 0, 0,
       CASE WHEN is_binary = 1 THEN 0 ELSE n_pos END, CASE WHEN is_binary = 1 THEN 0 ELSE n_neg END,
       0, 0, 0, 0, 0, 0, 0, 0,
       CASE WHEN is_binary = 1 THEN 0 ELSE s_pos END, 0, CASE WHEN is_binary = 1 THEN 0 ELSE ss_pos END, 0, 0,
       CASE WHEN is_binary = 1 THEN 0 ELSE s_neg END, CASE WHEN is_binary = 1 THEN 0 ELSE ss_neg END,
       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
FROM amp_r_truth_rows t
UNION ALL
SELECT 3, r.source_rank, r.position, 'repeat', r.source, r.metric, '', '', '',
       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
       r.items, 0, r.samples, r.sum_k_sq, r.positives, r.repeated, r.repeated_samples,
       r.repeated_positives, r.disagree, r.first_positive,
       0, 0, 0, 0, 0, 0, 0, 0,
       r.sum_s_sq_over_k, r.sum_mean, r.sum_mean_sq, r.sum_within, r.sum_agreement, 0, 0, 0, 0, 0
FROM amp_r_repeat_rows r
UNION ALL
SELECT 4, m.position, 0, 'model', m.model, '', '', '', '',
       0, 0, 0, 0, 0, 0,
       m.matched, m.baseline_only_ids, m.model_only_ids, m.score_n,
       CASE WHEN m.is_binary = 1 THEN m.swb ELSE 0 END, CASE WHEN m.is_binary = 1 THEN m.swm ELSE 0 END,
       CASE WHEN m.is_binary = 1 THEN m.swq ELSE 0 END, 0, 0,
       0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
       m.scm, m.scb,
       0, 0, 0, 0, 0,
       m.scq,
       0, 0, 0, 0, 0, 0, 0, 0, 0, 0
FROM amp_r_model_rows m
UNION ALL
SELECT 5, 0, 0, 'grouping', '', '', s.group_by, '', '',
       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
       SUM(CASE WHEN b.level IS NULL AND b.ambiguous = 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN b.ambiguous = 1 THEN 1 ELSE 0 END),
       0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
FROM amp_baseline b CROSS JOIN amp_settings s
WHERE s.group_by <> ''
GROUP BY s.group_by
UNION ALL
-- More compared metrics than the score terms above hold: a row amplify refuses, naming the limit.
SELECT 0, 0, 0, 'more than 16 compared metrics: add score terms to sql/repeated.sql', '', '', '', '', '',
       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
       0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
FROM (SELECT COUNT(*) AS c FROM amp_metrics WHERE compared = 1) x
WHERE x.c > 16;

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
       CAST(c_items AS BIGINT) AS items, CAST(c_items_negative AS BIGINT) AS items_negative,
       CAST(c_samples AS BIGINT) AS samples, CAST(c_sum_k_sq AS BIGINT) AS sum_k_sq,
       CAST(c_positives AS BIGINT) AS positives, CAST(c_repeated AS BIGINT) AS repeated,
       CAST(c_repeated_samples AS BIGINT) AS repeated_samples,
       CAST(c_repeated_positives AS BIGINT) AS repeated_positives,
       CAST(c_disagree AS BIGINT) AS disagree, CAST(c_first_positive AS BIGINT) AS first_positive,
       CAST(c_sum_model AS BIGINT) AS sum_model, CAST(c_sum_baseline AS BIGINT) AS sum_baseline,
       CAST(c_sum_model_sq AS BIGINT) AS sum_model_sq, CAST(c_sum_baseline_sq AS BIGINT) AS sum_baseline_sq,
       CAST(c_sum_cross AS BIGINT) AS sum_cross, CAST(c_sum_negative AS BIGINT) AS sum_negative,
       CAST(c_sum_sq_negative AS BIGINT) AS sum_sq_negative, CAST(c_sum_sq_diff AS BIGINT) AS sum_sq_diff,
       CAST(c_sum_s_sq_over_k AS BIGINT) AS sum_s_sq_over_k, CAST(c_sum_mean AS BIGINT) AS sum_mean,
       CAST(c_sum_mean_sq AS BIGINT) AS sum_mean_sq, CAST(c_sum_within AS BIGINT) AS sum_within,
       CAST(c_sum_agreement AS BIGINT) AS sum_agreement,
       CAST(c_ib_m1 AS BIGINT) AS invalid_baseline_model_1, CAST(c_ib_m0 AS BIGINT) AS invalid_baseline_model_0,
       CAST(c_im_b1 AS BIGINT) AS invalid_model_baseline_1, CAST(c_im_b0 AS BIGINT) AS invalid_model_baseline_0,
       CAST(c_invalid_both AS BIGINT) AS invalid_both
FROM amp_r_count_rows
ORDER BY kind_rank, source_rank, group_by, level, truth, metric_rank;
