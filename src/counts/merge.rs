//! The counts table's own operations: consistency checks of counts read from elsewhere, and
//! merging the tables of disjoint shards by summation (`+=` per row type, rows matched by key).

use super::{
    CountsTable, GroupingCounts, MetricCounts, ModelCounts, PairCells, PairedCounts, PairingCounts,
    RepeatCounts, ScoreMoments, ScoreSums, SliceScore, TruthCounts, TruthMoments, VersusTable,
};
use std::collections::hash_map::{Entry, HashMap};
use std::hash::Hash;
use std::ops::AddAssign;

impl CountsTable {
    /// Metric names of the paired comparisons, in order of first appearance.
    pub fn metric_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for m in self.metrics.iter().filter(|m| m.slice.is_all()) {
            if !names.contains(&m.metric) {
                names.push(m.metric.clone());
            }
        }
        names
    }

    /// Checks that the counts of each model agree with each other: for every metric, the pairs
    /// plus the invalid labels must account for the matched items
    /// (n + max(invalid) ≤ matched ≤ n + invalid_baseline + invalid_model), and the overall score
    /// cannot use more items than any metric has. Returns a message naming the model and metric.
    pub fn check_consistency(&self) -> Result<(), String> {
        for model in &self.models {
            let rows: Vec<&MetricCounts> =
                self.metrics.iter().filter(|m| m.model == model.model && m.slice.is_all()).collect();
            for m in &rows {
                let n = m.n();
                let (ib, im) = (m.invalid_baseline, m.invalid_model);
                if n + ib.max(im) > model.matched || model.matched > n + ib + im {
                    return Err(format!(
                        "model '{}', metric '{}': {n} pairs + invalid labels ({ib} baseline, {im} model) do not add up to the {} matched items; totals disagree across metrics",
                        model.model, m.metric, model.matched
                    ));
                }
                if model.score.n > n {
                    return Err(format!(
                        "model '{}': the overall score uses {} items but metric '{}' has only {n} valid pairs",
                        model.model, model.score.n, m.metric
                    ));
                }
            }
        }
        for m in &self.metrics {
            check_invalid_cells(m, &self.models)?;
        }
        for model in &self.models {
            check_score(&model.model, &model.score)?;
        }
        for s in &self.scores {
            check_score(&s.model, &s.score)?;
        }
        self.check_slice_scores()?;
        self.check_pairs()?;
        self.check_versus()?;
        self.check_classes()?;
        if self.models.is_empty() {
            return Err("no model row; nothing to compare".into());
        }
        match self.metrics.iter().find(|m| !self.models.iter().any(|x| x.model == m.model)) {
            Some(orphan) => Err(format!("metric rows for model '{}' but no 'model' row", orphan.model)),
            None => Ok(()),
        }
    }

    /// A verdict-class table counts each item its source shares with the baseline once: its
    /// total is the source's matched items.
    fn check_classes(&self) -> Result<(), String> {
        for c in &self.classes {
            let Some(model) = self.models.iter().find(|m| m.model == c.source) else {
                return Err(format!("class rows for source '{}' but no 'model' row", c.source));
            };
            if c.n() != model.matched {
                return Err(format!(
                    "class rows of '{}', metric '{}' count {} items, the model row {} matched items",
                    c.source,
                    c.metric,
                    c.n(),
                    model.matched
                ));
            }
        }
        Ok(())
    }

    /// A `--versus` table needs its base among the models and a model row for every model it
    /// compares.
    fn check_versus(&self) -> Result<(), String> {
        for v in &self.versus {
            if !self.models.iter().any(|m| m.model == v.base) {
                return Err(format!("versus rows name the base '{}', which has no 'model' row", v.base));
            }
            let compared = v.table.metrics.iter().map(|m| &m.model);
            if let Some(orphan) = compared.clone().find(|m| !v.table.models.iter().any(|x| &x.model == *m)) {
                return Err(format!(
                    "versus '{}': metric rows for model '{orphan}' but no 'model' row against '{}'",
                    v.base, v.base
                ));
            }
        }
        Ok(())
    }

    /// Pair tables need the pairing row and a model row, and over all pairs each table counts
    /// every complete pair once.
    fn check_pairs(&self) -> Result<(), String> {
        let Some(first) = self.pairs.first() else { return Ok(()) };
        let Some(pairing) = &self.pairing else {
            return Err(format!("pair rows (model '{}') but no 'pairing' row", first.model));
        };
        for t in &self.pairs {
            if !self.models.iter().any(|m| m.model == t.model) {
                return Err(format!("pair rows for model '{}' but no 'model' row", t.model));
            }
            if t.slice.is_all() && t.total() != pairing.complete {
                return Err(format!(
                    "pair rows of model '{}' versus '{}', metric '{}' count {} pairs, the 'pairing' row {} complete pairs",
                    t.model,
                    t.versus,
                    t.metric,
                    t.total(),
                    pairing.complete
                ));
            }
        }
        Ok(())
    }

    /// The clusters' overall-score sums of a model are parts of its own: per grouping they add
    /// up to at most its items and sums.
    fn check_slice_scores(&self) -> Result<(), String> {
        type Total = (ScoreSums, Option<ScoreMoments>);
        let mut totals: HashMap<(&str, Option<&str>), Total> = HashMap::new();
        for s in &self.scores {
            let t = totals.entry((s.model.as_str(), s.slice.grouping())).or_default();
            t.0 += s.score;
            t.1 = match (t.1, s.moments) {
                (Some(a), Some(b)) => Some(a + b),
                (a, b) => a.or(b),
            };
        }
        for ((model, grouping), (t, moments)) in totals {
            let Some(whole) = self.models.iter().find(|m| m.model == model) else {
                return Err(format!("model '{model}': cluster score rows but no model row"));
            };
            let all = whole.score;
            let over = [(t.n, all.n), (t.sum_baseline, all.sum_baseline), (t.sum_model, all.sum_model)];
            let units_over = match (moments, whole.score_moments) {
                (None, _) => false,
                (Some(_), None) => true,
                (Some(p), Some(w)) => {
                    p.sum_baseline > w.sum_baseline
                        || p.sum_model > w.sum_model
                        || p.sum_sq_diff > w.sum_sq_diff
                }
            };
            if over.iter().any(|(part, whole)| part > whole) || t.sum_sq_diff > all.sum_sq_diff || units_over
            {
                return Err(format!(
                    "model '{model}': the score rows of grouping '{}' add up to more than the model's own score sums",
                    grouping.unwrap_or("")
                ));
            }
        }
        Ok(())
    }

    /// Sums two tables key by key; keys present in only one are kept as they are, in order of
    /// first appearance. Linear in the rows: each list is matched through a map of its keys.
    pub fn merge(mut self, other: CountsTable) -> CountsTable {
        merge_rows(&mut self.metrics, other.metrics, |m| {
            (m.model.clone(), m.metric.clone(), m.slice.clone())
        });
        merge_rows(&mut self.truth, other.truth, |t| (t.source.clone(), t.metric.clone(), t.slice.clone()));
        merge_rows(&mut self.groupings, other.groupings, |g| g.group_by.clone());
        merge_rows(&mut self.pairs, other.pairs, |p| {
            (p.versus.clone(), p.model.clone(), p.metric.clone(), p.slice.clone())
        });
        self.pairing = match (self.pairing.take(), other.pairing) {
            (Some(mut a), Some(b)) => {
                a += b;
                Some(a)
            }
            (a, b) => a.or(b),
        };
        merge_rows(&mut self.models, other.models, |m| m.model.clone());
        merge_rows(&mut self.versus, other.versus, |v| v.base.clone());
        merge_rows(&mut self.repeats, other.repeats, |r| (r.source.clone(), r.metric.clone()));
        merge_rows(&mut self.classes, other.classes, |c| (c.source.clone(), c.metric.clone()));
        merge_rows(&mut self.scores, other.scores, |s| (s.model.clone(), s.slice.clone()));
        self
    }
}

/// Adds each row of `from` to the row of `into` with the same key, or appends it.
fn merge_rows<T: AddAssign, K: Hash + Eq>(into: &mut Vec<T>, from: Vec<T>, key: impl Fn(&T) -> K) {
    let mut at: HashMap<K, usize> = into.iter().enumerate().map(|(i, row)| (key(row), i)).collect();
    for row in from {
        match at.entry(key(&row)) {
            Entry::Occupied(e) => into[*e.get()] += row,
            Entry::Vacant(e) => {
                e.insert(into.len());
                into.push(row);
            }
        }
    }
}

/// The invalid cells of a metric row must add up to its invalid counts, and (all items) with
/// the pairs to the model's matched items.
fn check_invalid_cells(m: &MetricCounts, models: &[ModelCounts]) -> Result<(), String> {
    // Items on a 2×2 row, units of 2^-32 item values on a row of sums (see
    // `MetricCounts::invalid_cells`).
    let Some(c) = m.invalid_cells else { return Ok(()) };
    let unit = m.invalid_unit();
    let (ib, im) = (m.invalid_baseline, m.invalid_model);
    let name = format!("model '{}', metric '{}'", m.model, m.metric);
    let (cb, cm) = (c.invalid_baseline(), c.invalid_model());
    if cb % unit != 0 || cm % unit != 0 || c.both % unit != 0 {
        return Err(format!(
            "{name}: the invalid cells of a row of item means are not whole items (each side's cells with `invalid_both` add up to a multiple of 2^32 units)"
        ));
    }
    // `items()` saturates: u64::MAX means the cells overflowed (a hand-edited file).
    if cb / unit != ib || cm / unit != im || c.items() == u64::MAX {
        return Err(format!(
            "{name}: the invalid cells add up to {} baseline and {} model labels, the row says {ib} and {im}",
            cb / unit,
            cm / unit
        ));
    }
    let items = c.items() / unit;
    let matched = models.iter().find(|x| x.model == m.model).map(|x| x.matched);
    match matched {
        Some(matched) if m.slice.is_all() && m.n() + items != matched => Err(format!(
            "{name}: {} pairs + {items} items with an invalid label are not the {matched} matched items",
            m.n()
        )),
        _ => Ok(()),
    }
}

impl AddAssign for MetricCounts {
    /// The same (model, metric, slice) of another shard: the 2×2 tables add up, or, when either
    /// shard has item-level sums, the sums (the 2×2 table then stays zero).
    fn add_assign(&mut self, m: Self) {
        // Cells known in only one shard are not known for the sum; in units when either shard
        // has item means (the row then has moments).
        let sums = self.moments.is_some() || m.moments.is_some();
        let cells = match sums {
            true => (self.invalid_units(), m.invalid_units()),
            false => (self.invalid_cells, m.invalid_cells),
        };
        self.moments = match (self.moments, m.moments) {
            (None, None) => None,
            _ => Some(self.item_moments() + m.item_moments()),
        };
        self.pairs = if self.moments.is_some() { PairedCounts::default() } else { self.pairs + m.pairs };
        self.invalid_baseline += m.invalid_baseline;
        self.invalid_model += m.invalid_model;
        self.invalid_cells = match cells {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
    }
}

impl AddAssign for TruthCounts {
    /// As for [`MetricCounts`]: the label × truth tables add up, or the item-level sums.
    fn add_assign(&mut self, t: Self) {
        self.moments = match (self.moments, t.moments) {
            (None, None) => None,
            _ => Some(truth_moments(self) + truth_moments(&t)),
        };
        self.pairs = if self.moments.is_some() { PairedCounts::default() } else { self.pairs + t.pairs };
        self.invalid_truth += t.invalid_truth;
        self.invalid_label += t.invalid_label;
    }
}

impl AddAssign for GroupingCounts {
    fn add_assign(&mut self, g: Self) {
        self.unassigned += g.unassigned;
        self.ambiguous += g.ambiguous;
    }
}

impl AddAssign for ModelCounts {
    fn add_assign(&mut self, m: Self) {
        self.matched += m.matched;
        self.baseline_only += m.baseline_only;
        self.model_only += m.model_only;
        self.score += m.score;
        self.score_moments = match (self.score_moments, m.score_moments) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
    }
}

impl AddAssign for SliceScore {
    fn add_assign(&mut self, s: Self) {
        self.score += s.score;
        self.moments = match (self.moments, s.moments) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
    }
}

impl AddAssign for PairCells {
    fn add_assign(&mut self, other: Self) {
        for (a, b) in self.cells.iter_mut().zip(&other.cells) {
            *a += b;
        }
    }
}

impl AddAssign for PairingCounts {
    /// The pairs of another shard (the variants are the same).
    fn add_assign(&mut self, b: Self) {
        self.complete += b.complete;
        self.missing_side += b.missing_side;
        self.duplicate_side += b.duplicate_side;
    }
}

impl AddAssign for RepeatCounts {
    fn add_assign(&mut self, r: Self) {
        self.sums += r.sums;
    }
}

impl AddAssign for VersusTable {
    /// The tables against the same base add up. A model unpaired in a shard stays listed as
    /// unpaired; a shard where it shares items with BASE gives it a model row, which makes it
    /// paired (see [`VersusTable::unpaired_models`]).
    fn add_assign(&mut self, v: Self) {
        self.table = std::mem::take(&mut self.table).merge(v.table);
        for m in v.unpaired {
            if !self.unpaired.contains(&m) {
                self.unpaired.push(m);
            }
        }
    }
}

/// A truth row's item-level sums, from its moments or exactly from its label × truth table.
fn truth_moments(t: &TruthCounts) -> TruthMoments {
    t.moments.unwrap_or(TruthMoments {
        n_positive: t.pairs.both + t.pairs.baseline_only,
        sum_positive: t.pairs.both << 32,
        sum_sq_positive: t.pairs.both << 32,
        n_negative: t.pairs.model_only + t.pairs.neither,
        sum_negative: t.pairs.model_only << 32,
        sum_sq_negative: t.pairs.model_only << 32,
    })
}

/// The overall-score sums of one model (or one of its clusters) must be possible: with n items
/// scored on k metrics each item score lies in 0..=k, so Σ B and Σ M are at most n·k, and
/// Σ (M − B)² is at most n·k², at least |Σ (M − B)| (d² ≥ |d| for whole d) and at least
/// (Σ (M − B))² / n (Cauchy–Schwarz).
fn check_score(model: &str, s: &ScoreSums) -> Result<(), String> {
    let (n, k) = (u128::from(s.n), u128::from(s.metrics));
    let fail = |rule: String| Err(format!("model '{model}': {rule}"));
    let (sb, sm, sq) = (u128::from(s.sum_baseline), u128::from(s.sum_model), u128::from(s.sum_sq_diff));
    if sb > n * k || sm > n * k {
        return fail(format!("score sums ({sb} baseline, {sm} model) exceed score_n × metrics = {n} × {k}"));
    }
    if sq > n * k * k {
        return fail(format!("score_sum_sq_diff {sq} exceeds score_n × metrics² = {}", n * k * k));
    }
    let d = sb.abs_diff(sm);
    if sq < d || sq * n < d * d {
        return fail(format!(
            "score_sum_sq_diff {sq} is impossible with score sums {sb} and {sm} over {n} items (it must be at least {})",
            d.max((d * d).div_ceil(n.max(1)))
        ));
    }
    Ok(())
}
