//! The counts table's own operations: consistency checks of counts read from elsewhere, and
//! merging the tables of disjoint shards by summation.

use super::{CountsTable, MetricCounts, ModelCounts, PairCells, ScoreMoments, TruthCounts, TruthMoments};
use crate::stats::PairedCounts;

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
        for model in &self.models {
            check_score(model)?;
        }
        self.check_pairs()?;
        if self.models.is_empty() {
            return Err("no model row; nothing to compare".into());
        }
        match self.metrics.iter().find(|m| !self.models.iter().any(|x| x.model == m.model)) {
            Some(orphan) => Err(format!("metric rows for model '{}' but no 'model' row", orphan.model)),
            None => Ok(()),
        }
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

    /// Sums two tables key by key; keys present in only one are kept as they are.
    pub fn merge(mut self, other: CountsTable) -> CountsTable {
        for m in other.metrics {
            let key = |x: &MetricCounts| x.model == m.model && x.metric == m.metric && x.slice == m.slice;
            match self.metrics.iter_mut().find(|x| key(x)) {
                Some(x) => {
                    x.moments = match (x.moments, m.moments) {
                        (None, None) => None,
                        _ => Some(x.item_moments().merged(&m.item_moments())),
                    };
                    x.pairs =
                        if x.moments.is_some() { PairedCounts::default() } else { x.pairs.merged(&m.pairs) };
                    x.invalid_baseline += m.invalid_baseline;
                    x.invalid_model += m.invalid_model;
                }
                None => self.metrics.push(m),
            }
        }
        for t in other.truth {
            let key = |x: &TruthCounts| x.source == t.source && x.metric == t.metric && x.slice == t.slice;
            match self.truth.iter_mut().find(|x| key(x)) {
                Some(x) => {
                    x.moments = match (x.moments, t.moments) {
                        (None, None) => None,
                        _ => Some(truth_moments(x).merged(&truth_moments(&t))),
                    };
                    x.pairs =
                        if x.moments.is_some() { PairedCounts::default() } else { x.pairs.merged(&t.pairs) };
                    x.invalid_truth += t.invalid_truth;
                    x.invalid_label += t.invalid_label;
                }
                None => self.truth.push(t),
            }
        }
        for g in other.groupings {
            match self.groupings.iter_mut().find(|x| x.group_by == g.group_by) {
                Some(x) => {
                    x.unassigned += g.unassigned;
                    x.ambiguous += g.ambiguous;
                }
                None => self.groupings.push(g),
            }
        }
        for p in other.pairs {
            let key = |x: &PairCells| {
                x.versus == p.versus && x.model == p.model && x.metric == p.metric && x.slice == p.slice
            };
            match self.pairs.iter_mut().find(|x| key(x)) {
                Some(x) => x.add(&p),
                None => self.pairs.push(p),
            }
        }
        self.pairing = match (self.pairing.take(), other.pairing) {
            (Some(mut a), Some(b)) => {
                a.complete += b.complete;
                a.missing_side += b.missing_side;
                a.duplicate_side += b.duplicate_side;
                Some(a)
            }
            (a, b) => a.or(b),
        };
        for m in other.models {
            match self.models.iter_mut().find(|x| x.model == m.model) {
                Some(x) => {
                    x.matched += m.matched;
                    x.baseline_only += m.baseline_only;
                    x.model_only += m.model_only;
                    x.score.n += m.score.n;
                    x.score.sum_baseline += m.score.sum_baseline;
                    x.score.sum_model += m.score.sum_model;
                    x.score.sum_sq_diff += m.score.sum_sq_diff;
                    x.score_moments = match (x.score_moments, m.score_moments) {
                        (Some(a), Some(b)) => Some(ScoreMoments {
                            sum_baseline: a.sum_baseline + b.sum_baseline,
                            sum_model: a.sum_model + b.sum_model,
                            sum_sq_diff: a.sum_sq_diff + b.sum_sq_diff,
                        }),
                        (a, b) => a.or(b),
                    };
                }
                None => self.models.push(m),
            }
        }
        for v in other.versus {
            match self.versus.iter_mut().find(|x| x.base == v.base) {
                Some(x) => {
                    x.table = std::mem::take(&mut x.table).merge(v.table);
                    // Unpaired in every shard it appears in as unpaired; a shard where it shares
                    // items with BASE makes it paired (its model row; see `VersusTable::unpaired`).
                    for m in v.unpaired {
                        if !x.unpaired.contains(&m) {
                            x.unpaired.push(m);
                        }
                    }
                }
                None => self.versus.push(v),
            }
        }
        for r in other.repeats {
            match self.repeats.iter_mut().find(|x| x.source == r.source && x.metric == r.metric) {
                Some(x) => x.sums = x.sums.merged(&r.sums),
                None => self.repeats.push(r),
            }
        }
        self
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

/// The overall-score sums of one model must be possible: with n items scored on k metrics each
/// item score lies in 0..=k, so Σ B and Σ M are at most n·k, and Σ (M − B)² is at most n·k², at
/// least |Σ (M − B)| (d² ≥ |d| for whole d) and at least (Σ (M − B))² / n (Cauchy–Schwarz).
fn check_score(model: &ModelCounts) -> Result<(), String> {
    let s = &model.score;
    let (n, k) = (u128::from(s.n), u128::from(s.metrics));
    let fail = |rule: String| Err(format!("model '{}': {rule}", model.model));
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
