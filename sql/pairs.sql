-- Counterfactual pairs for sql/counts.sql: the `pairing` and `pair` rows of the counts table,
-- exactly as `amplify count --pair COL --variant COL --variants A,B` writes them (portable SQL
-- like counts.sql; tested on DuckDB and Apache Spark SQL).
--
-- Items come in pairs (two items that differ in one thing, e.g. the same story with the
-- partner's gender swapped), one on each side: variant A (the reference) and variant B. Per
-- (versus, model, metric, slice) the `pair` rows hold the joint table of four labels over the
-- complete pairs: the versus source's label on side A and on side B, the model's on side A and
-- on side B, each '0', '1' or '-' (missing: no row for that item, or an invalid label). `cell`
-- names the four in that order (e.g. `10-1`) and `pairs` counts them; only non-zero cells are
-- written, and a table without any pair keeps one row, cell `----` and 0 pairs. Each model is
-- compared with the baseline, and each model after the first also with the first model. Slices:
-- all pairs; side A's truth (`truth` 1/0, with a truth); side A's level (with a grouping; pairs
-- whose side-A item has none are left out). Side A's truth and level are the baseline's.
--
-- How to run: define the parameter views of counts.sql and the two below, run the statements of
-- counts.sql but its last (the table without pairs; running it does no harm), then this file.
-- Its last statement returns the whole counts table with pairs: counts.sql's rows, then the
-- `pairing` row and the `pair` rows, with the five pair columns (empty or 0 on other rows):
-- `versus` and `cell` after `truth`, `pairs`, `missing_side` and `duplicate_side` after
-- `ambiguous`. (Without pairs, export counts.sql's last statement as before: amplify writes the
-- pair columns only when there are pairs.) Counts of shards add up when no pair straddles two
-- shards: shard by pair, not by item.
--
-- Parameters, defined with counts.sql's (sql/params_sample_swap.sql and params_sample_flip.sql
-- show them for the sample's pair data):
--   amp_pair_settings(variant_a, variant_b)
--       one row: the two values of the variant column, side A (the reference) first, as
--       --variants A,B names them.
--   amp_pair_items(id, pair, variant)
--       where the items sit: UNION ALL of (id, pair column, variant column) over every table
--       that has both columns (cast the pair to one type, e.g. STRING). Rows with a NULL are
--       dropped and a repeated row counts once, as in amplify. Rows of any other variant are
--       ignored (amplify refuses them), and an item must be on the same side of the same pair in
--       every table (amplify checks this; here it is your responsibility).

-- Each item's pair and side ('A' or 'B'), once.
CREATE OR REPLACE TEMPORARY VIEW amp_cf_map AS
SELECT DISTINCT i.id, i.pair, CASE WHEN i.variant = s.variant_a THEN 'A' ELSE 'B' END AS side
FROM amp_pair_items i CROSS JOIN amp_pair_settings s
WHERE i.id IS NOT NULL AND i.pair IS NOT NULL AND i.variant IN (s.variant_a, s.variant_b);

-- Per pair: how many items each side has, and its side-A and side-B item.
CREATE OR REPLACE TEMPORARY VIEW amp_cf_sides AS
SELECT pair,
       SUM(CASE WHEN side = 'A' THEN 1 ELSE 0 END) AS items_a,
       SUM(CASE WHEN side = 'B' THEN 1 ELSE 0 END) AS items_b,
       MIN(CASE WHEN side = 'A' THEN id END) AS id_a,
       MIN(CASE WHEN side = 'B' THEN id END) AS id_b
FROM amp_cf_map
GROUP BY pair;

-- The complete pairs (one item on each side), with the baseline's truth and level of side A.
CREATE OR REPLACE TEMPORARY VIEW amp_cf_complete AS
SELECT p.pair, p.id_a, p.id_b, b.truth, b.level
FROM amp_cf_sides p LEFT JOIN amp_baseline b ON b.id = p.id_a
WHERE p.items_a = 1 AND p.items_b = 1;

-- Every complete pair once per slice it belongs to: all pairs, side A's truth, side A's level.
CREATE OR REPLACE TEMPORARY VIEW amp_cf_slices AS
SELECT pair, '' AS group_by, '' AS level, '' AS truth FROM amp_cf_complete
UNION ALL
SELECT c.pair, '', '', CAST(c.truth AS STRING)
FROM amp_cf_complete c CROSS JOIN amp_settings s WHERE s.has_truth = 1 AND c.truth IS NOT NULL
UNION ALL
SELECT c.pair, s.group_by, c.level, ''
FROM amp_cf_complete c CROSS JOIN amp_settings s WHERE s.group_by <> '' AND c.level IS NOT NULL;

-- The slices that get a table: all pairs and both truth values always (an empty one keeps its
-- `----` row), a level only when a complete pair's side A has it.
CREATE OR REPLACE TEMPORARY VIEW amp_cf_slice_list AS
SELECT '' AS group_by, '' AS level, '' AS truth
UNION ALL
SELECT '', '', '0' FROM amp_settings WHERE has_truth = 1
UNION ALL
SELECT '', '', '1' FROM amp_settings WHERE has_truth = 1
UNION ALL
SELECT DISTINCT group_by, level, truth FROM amp_cf_slices WHERE group_by <> '';

-- The compared metrics each source has labels for (the baseline has every compared metric; a
-- model may lack one).
CREATE OR REPLACE TEMPORARY VIEW amp_cf_source_metrics AS
SELECT s.baseline_name AS source, k.metric
FROM amp_settings s CROSS JOIN amp_metrics k WHERE k.compared = 1
UNION ALL
SELECT d.model, d.metric
FROM (SELECT DISTINCT model, metric FROM amp_model_labels) d
JOIN amp_metrics k ON k.metric = d.metric AND k.compared = 1;

-- Who is compared with whom: every model with the baseline (versus_rank 0), every later model
-- with the first model (versus_rank 1); the baseline's own model (counts.sql's amp_sources, last)
-- too, its labels the baseline's.
CREATE OR REPLACE TEMPORARY VIEW amp_cf_versus AS
SELECT s.baseline_name AS versus, 0 AS versus_rank, m.model, m.position AS model_rank
FROM amp_settings s CROSS JOIN amp_sources m
UNION ALL
SELECT f.model, 1, m.model, m.position
FROM amp_models f JOIN amp_sources m ON m.position > f.position
WHERE f.position = (SELECT MIN(position) FROM amp_models);

-- One joint table per (versus, model, metric) where both sources have the metric.
CREATE OR REPLACE TEMPORARY VIEW amp_cf_tables AS
SELECT v.versus, v.versus_rank, v.model, v.model_rank, k.metric, k.position AS metric_rank
FROM amp_cf_versus v
CROSS JOIN amp_metrics k
JOIN amp_cf_source_metrics sv ON sv.source = v.versus AND sv.metric = k.metric
JOIN amp_cf_source_metrics sm ON sm.source = v.model AND sm.metric = k.metric
WHERE k.compared = 1;

-- Every source's labels (1, 0, 2 = invalid), the baseline's under its name.
CREATE OR REPLACE TEMPORARY VIEW amp_cf_source_labels AS
SELECT s.baseline_name AS source, l.id, l.metric, l.label
FROM amp_baseline_labels l CROSS JOIN amp_settings s
UNION ALL
SELECT model, id, metric, label FROM amp_model_labels;

-- Per complete pair, source and metric the source has: its label on side A and on side B, 2
-- when missing (an invalid label, or no row for that item).
CREATE OR REPLACE TEMPORARY VIEW amp_cf_labels AS
SELECT c.pair, sm.source, sm.metric,
       COALESCE(la.label, 2) AS label_a, COALESCE(lb.label, 2) AS label_b
FROM amp_cf_complete c
CROSS JOIN amp_cf_source_metrics sm
LEFT JOIN amp_cf_source_labels la ON la.source = sm.source AND la.metric = sm.metric AND la.id = c.id_a
LEFT JOIN amp_cf_source_labels lb ON lb.source = sm.source AND lb.metric = sm.metric AND lb.id = c.id_b;

-- The non-zero cells of every table: pairs per (versus A, versus B, model A, model B) labels.
CREATE OR REPLACE TEMPORARY VIEW amp_cf_cells AS
SELECT t.versus, t.model, t.metric, x.group_by, x.level, x.truth,
       v.label_a AS versus_a, v.label_b AS versus_b, m.label_a AS model_a, m.label_b AS model_b,
       COUNT(*) AS c_pairs
FROM amp_cf_tables t
JOIN amp_cf_labels v ON v.source = t.versus AND v.metric = t.metric
JOIN amp_cf_labels m ON m.source = t.model AND m.metric = t.metric AND m.pair = v.pair
JOIN amp_cf_slices x ON x.pair = v.pair
GROUP BY t.versus, t.model, t.metric, x.group_by, x.level, x.truth,
         v.label_a, v.label_b, m.label_a, m.label_b;

-- The `pair` rows: every table in every slice with its non-zero cells, or one `----` row of 0
-- pairs (the labels are NULL there: no cell matched). cell_rank orders the cells as amplify does.
CREATE OR REPLACE TEMPORARY VIEW amp_cf_rows AS
SELECT t.versus, t.versus_rank, t.model, t.model_rank, t.metric, t.metric_rank,
       l.group_by, l.level, l.truth,
       CONCAT(CASE c.versus_a WHEN 0 THEN '0' WHEN 1 THEN '1' ELSE '-' END,
              CASE c.versus_b WHEN 0 THEN '0' WHEN 1 THEN '1' ELSE '-' END,
              CASE c.model_a WHEN 0 THEN '0' WHEN 1 THEN '1' ELSE '-' END,
              CASE c.model_b WHEN 0 THEN '0' WHEN 1 THEN '1' ELSE '-' END) AS cell,
       COALESCE(c.versus_a + 3 * c.versus_b + 9 * c.model_a + 27 * c.model_b, 80) AS cell_rank,
       COALESCE(c.c_pairs, 0) AS c_pairs
FROM amp_cf_tables t
CROSS JOIN amp_cf_slice_list l
LEFT JOIN amp_cf_cells c
  ON c.versus = t.versus AND c.model = t.model AND c.metric = t.metric
 AND c.group_by = l.group_by AND c.level = l.level AND c.truth = l.truth;

-- The pairing row's counts: complete pairs, pairs missing a side, pairs with a side given
-- twice or more.
CREATE OR REPLACE TEMPORARY VIEW amp_cf_pairing AS
SELECT COALESCE(SUM(CASE WHEN items_a = 1 AND items_b = 1 THEN 1 ELSE 0 END), 0) AS c_pairs,
       COALESCE(SUM(CASE WHEN items_a <= 1 AND items_b <= 1 AND NOT (items_a = 1 AND items_b = 1)
                         THEN 1 ELSE 0 END), 0) AS c_missing_side,
       COALESCE(SUM(CASE WHEN items_a > 1 OR items_b > 1 THEN 1 ELSE 0 END), 0) AS c_duplicate_side
FROM amp_cf_sides;

-- The counts table with pairs, ordered as amplify writes it (the last statement: export its
-- result). The ranks: counts.sql's rows by source, slice and metric; pair rows by metric, versus,
-- model, slice and cell.
SELECT kind, model, metric, group_by, level, truth, versus, cell,
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
       CAST(c_pairs AS BIGINT) AS pairs, CAST(c_missing_side AS BIGINT) AS missing_side,
       CAST(c_duplicate_side AS BIGINT) AS duplicate_side,
       CAST(c_ib_m1 AS BIGINT) AS invalid_baseline_model_1, CAST(c_ib_m0 AS BIGINT) AS invalid_baseline_model_0,
       CAST(c_im_b1 AS BIGINT) AS invalid_model_baseline_1, CAST(c_im_b0 AS BIGINT) AS invalid_model_baseline_0,
       CAST(c_invalid_both AS BIGINT) AS invalid_both
FROM (
  SELECT kind_rank, source_rank AS rank_1, 0 AS rank_2, 0 AS rank_3, metric_rank AS rank_4,
         0 AS cell_rank, kind, model, metric, group_by, level, truth, '' AS versus, '' AS cell,
         c_both, c_model_only, c_baseline_only, c_neither, c_invalid_baseline, c_invalid_model,
         c_matched, c_baseline_only_ids, c_model_only_ids, c_score_n, c_score_sum_baseline,
         c_score_sum_model, c_score_sum_sq_diff, c_unassigned, c_ambiguous,
         0 AS c_pairs, 0 AS c_missing_side, 0 AS c_duplicate_side,
         c_ib_m1, c_ib_m0, c_im_b1, c_im_b0, c_invalid_both
  FROM amp_count_rows
  UNION ALL
  SELECT 5, 0, 0, 0, 0, 0, 'pairing', '', '', s.variant_a, s.variant_b, '', '', '',
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         p.c_pairs, p.c_missing_side, p.c_duplicate_side, 0, 0, 0, 0, 0
  FROM amp_pair_settings s CROSS JOIN amp_cf_pairing p
  UNION ALL
  SELECT 6, metric_rank, versus_rank, model_rank, 0, cell_rank, 'pair', model, metric,
         group_by, level, truth, versus, cell,
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         c_pairs, 0, 0, 0, 0, 0, 0, 0
  FROM amp_cf_rows
) u
ORDER BY kind_rank, rank_1, rank_2, rank_3, group_by, level, truth, rank_4, cell_rank;
