//! The grouped rows of a repeated run folded into slices: all items, each truth value, each
//! level (and level × truth), with each slice's item-level sums ([`SliceSums`]).

use crate::counts::{Moments, Slice, TruthMoments};
use crate::data::columns::{level, repeat_sum, TRUTH};
use crate::data::count::repeated::sums::Reader;
use crate::data::input::{Dataset, SourceFrame};
use crate::error::Result;
use polars::prelude::*;
use std::collections::BTreeMap;

/// The sums of one slice.
#[derive(Default)]
pub(super) struct SliceSums {
    /// Items (matched items for a model, the baseline's items for the baseline).
    pub(super) items: u64,
    /// Per column: moments, invalid labels (baseline, model) and where they fall.
    pub(super) paired: BTreeMap<usize, (Moments, u64, u64, InvalidSums)>,
    /// Per truth column: moments, items with invalid truth, invalid labels.
    pub(super) truth: BTreeMap<usize, (TruthMoments, u64, u64)>,
    /// Overall score: n, Σ b, Σ m, Σ (m − b)² of item scores (units), and the whole-number
    /// Σ B, Σ M, Σ (M − B)² of item sums (exact when every value is 0 or 1).
    pub(super) score: (u64, [u64; 3], [f64; 3]),
}

/// Folds the grouped rows into slices: all items, each truth value, each level (and level ×
/// truth); truth sums only into slices without a truth value.
pub(super) fn fold(
    data: &Dataset,
    source: &SourceFrame,
    df: &DataFrame,
    paired: bool,
) -> Result<BTreeMap<Slice, SliceSums>> {
    let reader = Reader { df };
    let lens = reader.u64s(&repeat_sum("len", 0))?;
    let truth: Vec<Option<i64>> = match data.has_truth {
        true => reader.i64s(TRUTH)?,
        false => vec![None; df.height()],
    };
    let levels: Vec<Vec<Option<String>>> =
        (0..data.groupings.len()).map(|j| reader.strings(&level(j))).collect::<Result<_>>()?;
    let row_sums = RowSums::read(data, source, &reader, paired)?;
    let mut out: BTreeMap<Slice, SliceSums> = BTreeMap::new();
    out.entry(Slice::all()).or_default();
    for r in 0..df.height() {
        let mut bases = vec![Slice::all()];
        for (j, spec) in data.groupings.iter().enumerate() {
            if let Some(l) = &levels[j][r] {
                bases.push(Slice::level(&spec.name(), l));
            }
        }
        for base in bases {
            let mut slices = vec![base.clone()];
            if let Some(t) = truth[r] {
                slices.push(base.with_truth(t == 1));
            }
            for slice in &slices {
                let s = out.entry(slice.clone()).or_default();
                s.items += lens[r];
                row_sums.add_paired(r, s, slice.truth.is_none());
            }
            row_sums.add_truth(r, out.entry(base).or_default(), truth[r], lens[r]);
        }
    }
    Ok(out)
}

/// One column per grouped row, for each of several sums.
type Sums<const N: usize> = [Vec<u64>; N];

/// Over the items with an invalid label: the model's values (units) where the baseline has
/// none, the baseline's where the model has none, and the items with neither.
#[derive(Default, Clone, Copy)]
pub(super) struct InvalidSums {
    pub(super) model_values: u64,
    pub(super) baseline_values: u64,
    pub(super) both: u64,
}

/// The sums of every grouped row, read once: per compared column its six moment sums, two
/// invalid counts and three [`InvalidSums`], per truth column its three sums and invalid labels,
/// and the score sums.
struct RowSums {
    paired: Vec<(usize, Sums<6>, Sums<5>)>,
    truth: Vec<(usize, [Vec<u64>; 3], Vec<u64>)>,
    score: Option<(Vec<u64>, Sums<3>, [Vec<f64>; 3])>,
}

impl RowSums {
    /// Reads the sums of `source`'s columns (the paired ones only when `paired`: a model).
    fn read(data: &Dataset, source: &SourceFrame, reader: &Reader, paired: bool) -> Result<Self> {
        let f = |stat: &str, i: usize| reader.f64s(&repeat_sum(stat, i));
        let u = |stat: &str, i: usize| reader.u64s(&repeat_sum(stat, i));
        let mut out = Self { paired: Vec::new(), truth: Vec::new(), score: None };
        if paired {
            for i in (0..data.metrics.len()).filter(|&i| source.present[i]) {
                let sums = [u("n", i)?, u("m", i)?, u("h", i)?, u("mm", i)?, u("hh", i)?, u("mh", i)?];
                let invalid = [u("ib", i)?, u("im", i)?, u("vm", i)?, u("vb", i)?, u("ibm", i)?];
                out.paired.push((i, sums, invalid));
            }
            if !out.paired.is_empty() {
                let scores = [u("scb", 0)?, u("scm", 0)?, u("scq", 0)?];
                out.score = Some((u("scn", 0)?, scores, [f("swb", 0)?, f("swm", 0)?, f("swq", 0)?]));
            }
        }
        for (i, column) in data.columns.iter().enumerate() {
            if data.has_truth && source.present[i] && data.truth_metrics.contains(column) {
                out.truth.push((i, [u("tn", i)?, u("ts", i)?, u("tss", i)?], u("tim", i)?));
            }
        }
        Ok(out)
    }

    /// Adds grouped row `r`'s paired sums (and, `scored`: a slice without a truth value, its
    /// score sums).
    fn add_paired(&self, r: usize, s: &mut SliceSums, scored: bool) {
        for (i, v, [ib, im, vm, vb, ibm]) in &self.paired {
            let add = Moments {
                n: v[0][r],
                sum_model: v[1][r],
                sum_baseline: v[2][r],
                sum_model_sq: v[3][r],
                sum_baseline_sq: v[4][r],
                sum_cross: v[5][r],
            };
            let e = s.paired.entry(*i).or_default();
            let cells = InvalidSums {
                model_values: e.3.model_values + vm[r],
                baseline_values: e.3.baseline_values + vb[r],
                both: e.3.both + ibm[r],
            };
            *e = (e.0 + add, e.1 + ib[r], e.2 + im[r], cells);
        }
        if let (true, Some((n, units, whole))) = (scored, &self.score) {
            s.score.0 += n[r];
            for j in 0..3 {
                s.score.1[j] += units[j][r];
                s.score.2[j] += whole[j][r];
            }
        }
    }

    /// Adds grouped row `r`'s truth sums to the side of its truth value (or, without a valid
    /// truth, its `items` to the invalid truths).
    fn add_truth(&self, r: usize, s: &mut SliceSums, truth: Option<i64>, items: u64) {
        for (i, [n, sum, sq], invalid) in &self.truth {
            let e = s.truth.entry(*i).or_default();
            match truth {
                Some(1) => {
                    e.0.n_positive += n[r];
                    e.0.sum_positive += sum[r];
                    e.0.sum_sq_positive += sq[r];
                }
                Some(_) => {
                    e.0.n_negative += n[r];
                    e.0.sum_negative += sum[r];
                    e.0.sum_sq_negative += sq[r];
                }
                None => e.1 += items,
            }
            e.2 += invalid[r];
        }
    }
}
