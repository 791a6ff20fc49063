//! Bounds and tipping points against a hand-worked table and against brute force: every
//! assignment of the invalid labels of small random tables, enumerated.

use super::*;
use crate::rng::SplitMix64;
use crate::stats::binomial::{mcnemar_p, McNemarVariant};

/// An item: (baseline label, model label), `None` = invalid.
type Item = (Option<bool>, Option<bool>);

fn tables(items: &[Item]) -> (PairedCounts, InvalidCells) {
    let (mut p, mut c) = (PairedCounts::default(), InvalidCells::default());
    let code = |x: Option<bool>| x.map_or(2, u8::from);
    for &(b, m) in items {
        match (b, m) {
            (Some(true), Some(true)) => p.both += 1,
            (Some(false), Some(true)) => p.model_only += 1,
            (Some(true), Some(false)) => p.baseline_only += 1,
            (Some(false), Some(false)) => p.neither += 1,
            _ => c.add(code(b), code(m), 1),
        }
    }
    (p, c)
}

fn random_items(rng: &mut SplitMix64, n: usize, invalid: usize) -> Vec<Item> {
    let label = |rng: &mut SplitMix64, p: f64| Some(rng.bernoulli(p));
    let mut items: Vec<Item> = (0..n).map(|_| (label(rng, 0.4), label(rng, 0.6))).collect();
    for _ in 0..invalid {
        let item = match rng.below(3) {
            0 => (None, label(rng, 0.6)),
            1 => (label(rng, 0.4), None),
            _ => (None, None),
        };
        items.push(item);
    }
    items
}

/// Every completion of the items: each invalid label set to 0 or 1.
fn completions(items: &[Item]) -> Vec<Vec<(bool, bool)>> {
    let mut out = vec![Vec::new()];
    for &(b, m) in items {
        let bs: Vec<bool> = b.map_or(vec![false, true], |x| vec![x]);
        let ms: Vec<bool> = m.map_or(vec![false, true], |x| vec![x]);
        out = out
            .into_iter()
            .flat_map(|done| {
                let (bs, ms) = (bs.clone(), ms.clone());
                bs.into_iter().flat_map(move |b| {
                    let done = done.clone();
                    ms.clone().into_iter().map(move |m| [done.clone(), vec![(b, m)]].concat())
                })
            })
            .collect();
    }
    out
}

#[test]
fn a_hand_worked_table() {
    let p = PairedCounts { both: 10, model_only: 6, baseline_only: 2, neither: 12 };
    let c = InvalidCells { model_one: 3, model_zero: 1, baseline_one: 2, baseline_zero: 4, both: 1 };
    // N = 30 + 11 = 41; B₁ = 10 + 2 + 2 = 14, I_b = 5; M₁ = 10 + 6 + 3 = 19, I_m = 7.
    let b = manski_bounds(&p, &c).unwrap();
    assert_eq!(b.items, 41);
    let close = |i: Interval, lo: f64, hi: f64| (i.low - lo).abs() < 1e-15 && (i.high - hi).abs() < 1e-15;
    assert!(close(b.baseline_rate, 14.0 / 41.0, 19.0 / 41.0), "{:?}", b.baseline_rate);
    assert!(close(b.model_rate, 19.0 / 41.0, 26.0 / 41.0), "{:?}", b.model_rate);
    assert!(close(b.difference, 0.0, 12.0 / 41.0), "{:?}", b.difference);
    assert_eq!(manski_bounds(&PairedCounts::default(), &InvalidCells::default()), None);
}

#[test]
fn the_bounds_are_the_extremes_over_every_assignment() {
    let mut rng = SplitMix64::new(2027);
    for case in 0..60 {
        let items = random_items(&mut rng, 1 + case % 7, case % 6);
        let (p, c) = tables(&items);
        let b = manski_bounds(&p, &c).unwrap();
        let n = items.len() as f64;
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        let (mut rate_lo, mut rate_hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for done in completions(&items) {
            let ones = |f: fn(&(bool, bool)) -> bool| done.iter().filter(|x| f(x)).count() as f64;
            let (bs, ms) = (ones(|x| x.0), ones(|x| x.1));
            lo = lo.min((ms - bs) / n);
            hi = hi.max((ms - bs) / n);
            rate_lo = rate_lo.min(ms / n);
            rate_hi = rate_hi.max(ms / n);
        }
        let eq = |a: f64, b: f64| (a - b).abs() < 1e-12;
        assert!(
            eq(b.difference.low, lo) && eq(b.difference.high, hi),
            "case {case}: {:?} vs [{lo}, {hi}]",
            b.difference
        );
        assert!(eq(b.model_rate.low, rate_lo) && eq(b.model_rate.high, rate_hi), "case {case}");
    }
}

/// McNemar's exact test at α: the conclusion from the discordant pairs.
fn mcnemar(alpha: f64) -> impl Fn(u64, u64) -> Conclusion {
    move |b, c| match mcnemar_p(b, c, McNemarVariant::Exact) < alpha {
        true if b > c => Conclusion::Higher,
        true => Conclusion::Lower,
        false => Conclusion::NoDifference,
    }
}

/// The tipping point by brute force: the fewest invalid items that, completed in any way and
/// added to the complete pairs, change the conclusion.
fn brute_tipping(items: &[Item], decide: &impl Fn(u64, u64) -> Conclusion) -> Option<u64> {
    let complete: Vec<Item> = items.iter().copied().filter(|(b, m)| b.is_some() && m.is_some()).collect();
    let invalid: Vec<Item> = items.iter().copied().filter(|(b, m)| b.is_none() || m.is_none()).collect();
    let (p, _) = tables(&complete);
    let conclusion = decide(p.model_only, p.baseline_only);
    let mut best: Option<u64> = None;
    for mask in 1u32..(1 << invalid.len()) {
        let chosen: Vec<Item> =
            (0..invalid.len()).filter(|i| mask >> i & 1 == 1).map(|i| invalid[i]).collect();
        let k = chosen.len() as u64;
        if best.is_some_and(|b| b <= k) {
            continue;
        }
        for done in completions(&chosen) {
            let b = p.model_only + done.iter().filter(|x| x.1 && !x.0).count() as u64;
            let c = p.baseline_only + done.iter().filter(|x| x.0 && !x.1).count() as u64;
            if decide(b, c) != conclusion {
                best = Some(k);
                break;
            }
        }
    }
    best
}

#[test]
fn the_tipping_point_matches_brute_force() {
    let mut rng = SplitMix64::new(7);
    let decide = mcnemar(0.05);
    let (mut robust, mut tipped) = (0, 0);
    for case in 0..150 {
        // Lopsided tables (significant) and balanced ones, with up to 7 invalid items.
        let n = 6 + case % 14;
        let mut items = random_items(&mut rng, n, case % 8);
        if case % 3 == 0 {
            items.extend(std::iter::repeat_n((Some(false), Some(true)), 6));
        }
        let (p, c) = tables(&items);
        let got = tipping_point(&p, &c, &decide);
        assert_eq!(got.conclusion, decide(p.model_only, p.baseline_only));
        assert_eq!(got.items, brute_tipping(&items, &decide), "case {case}: {p:?} {c:?}");
        if got.items.is_some() {
            tipped += 1;
        } else {
            robust += 1;
        }
    }
    // Both outcomes occur, so the comparison above tests each.
    assert!(robust > 10 && tipped > 10, "robust {robust}, tipped {tipped}");
}

#[test]
fn a_strong_result_is_robust_and_a_weak_one_tips() {
    let decide = mcnemar(0.05);
    // b = 30, c = 5: p ≈ 1.1e-5. Three items could become baseline-only pairs: still significant.
    let p = PairedCounts { both: 20, model_only: 30, baseline_only: 5, neither: 45 };
    let c = InvalidCells { baseline_one: 2, both: 1, model_one: 9, ..InvalidCells::default() };
    let t = tipping_point(&p, &c, &decide);
    assert_eq!((t.conclusion, t.items), (Conclusion::Higher, None));
    // b = 12, c = 3: p = 0.035 (scipy.stats.binomtest(3, 15).pvalue = 0.03515625); one more
    // baseline-only pair gives binomtest(4, 16) = 0.0768, no longer significant.
    let p = PairedCounts { both: 20, model_only: 12, baseline_only: 3, neither: 45 };
    let c = InvalidCells { baseline_one: 2, ..InvalidCells::default() };
    assert!((mcnemar_p(12, 3, McNemarVariant::Exact) - 0.03515625).abs() < 1e-12);
    assert_eq!(tipping_point(&p, &c, &decide).items, Some(1));
}

#[test]
fn pair_bounds_are_the_extremes_over_every_assignment_of_the_pairs() {
    use crate::counts::{pair_cell, PAIR_CELLS};
    use crate::stats::counterfactual::pair_value;
    // By hand: one pair (v 1, 0; m missing, 1) and one complete pair (v 0, 0; m 1, 1). Asymmetry
    // values: the first is (1 − m_A) − (0 − 1) ∈ {1, 2}, the second 0: bounds [0.5, 1.0].
    let mut cells = vec![0u64; PAIR_CELLS];
    cells[pair_cell(1, 0, 2, 1)] += 1;
    cells[pair_cell(0, 0, 1, 1)] += 1;
    let b = pair_bounds(&cells, |c| pair_value("asymmetry", c)).unwrap();
    assert_eq!((b.low, b.high), (0.5, 1.0));
    assert_eq!(pair_bounds(&[0; PAIR_CELLS], |c| pair_value("asymmetry", c)), None);
    // Random sets of up to 7 pairs with up to 12 missing labels: every joint assignment.
    let mut rng = SplitMix64::new(5);
    for case in 0..150 {
        let pairs: Vec<[usize; 4]> = (0..1 + rng.below(7))
            .map(|_| [0; 4].map(|_| if rng.bernoulli(0.3) { 2 } else { rng.below(2) }))
            .collect();
        let open: Vec<(usize, usize)> = pairs
            .iter()
            .enumerate()
            .flat_map(|(i, p)| (0..4).filter(move |&k| p[k] == 2).map(move |k| (i, k)))
            .collect();
        if open.len() > 12 {
            continue;
        }
        let mut cells = vec![0u64; PAIR_CELLS];
        for p in &pairs {
            cells[pair_cell(p[0], p[1], p[2], p[3])] += 1;
        }
        for measure in ["asymmetry", "both_sides", "affirms_both"] {
            let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
            for mask in 0..1u32 << open.len() {
                let mut filled: Vec<[i64; 4]> = pairs.iter().map(|p| p.map(|s| s as i64)).collect();
                for (bit, &(i, k)) in open.iter().enumerate() {
                    filled[i][k] = i64::from(mask >> bit & 1);
                }
                let mean = filled.iter().map(|&c| pair_value(measure, c)).sum::<f64>() / pairs.len() as f64;
                (lo, hi) = (lo.min(mean), hi.max(mean));
            }
            let b = pair_bounds(&cells, |c| pair_value(measure, c)).unwrap();
            assert!(
                (b.low - lo).abs() < 1e-12 && (b.high - hi).abs() < 1e-12,
                "case {case} {measure}: {b:?} vs [{lo}, {hi}]"
            );
        }
    }
}

/// A paired t test at α on the pair values (the asymmetry test), and McNemar's exact test on
/// the +1 and −1 values (the both-sides test), as conclusions from the value sums.
fn t_decide(alpha: f64) -> impl Fn(ValueSums) -> Conclusion {
    move |s| match crate::stats::ttest::paired_t(s.n, s.sum, s.sum_sq, 0.95) {
        Some(t) if t.p_value < alpha && t.estimate > 0.0 => Conclusion::Higher,
        Some(t) if t.p_value < alpha => Conclusion::Lower,
        _ => Conclusion::NoDifference,
    }
}

fn mcnemar_decide(alpha: f64) -> impl Fn(ValueSums) -> Conclusion {
    let decide = mcnemar(alpha);
    move |s| decide(((s.sum_sq + s.sum) / 2.0).round() as u64, ((s.sum_sq - s.sum) / 2.0).round() as u64)
}

/// The pair tipping point by brute force: the fewest incomplete pairs that, each completed in
/// any way and added to the complete pairs, change the conclusion.
fn brute_pair_tipping(
    pairs: &[[usize; 4]],
    measure: &str,
    decide: &impl Fn(ValueSums) -> Conclusion,
) -> Option<Option<u64>> {
    use crate::stats::counterfactual::pair_value;
    let complete = pairs.iter().filter(|p| !p.contains(&2));
    let start =
        complete.fold(ValueSums::default(), |s, p| s.with(pair_value(measure, p.map(|x| x as i64)), 1));
    if start.n == 0 {
        return None;
    }
    let conclusion = decide(start);
    // Each incomplete pair's values over its completions.
    let open: Vec<Vec<f64>> = pairs
        .iter()
        .filter(|p| p.contains(&2))
        .map(|p| {
            let free: Vec<usize> = (0..4).filter(|&k| p[k] == 2).collect();
            (0..1u32 << free.len())
                .map(|mask| {
                    let mut labels = p.map(|s| s as i64);
                    for (bit, &k) in free.iter().enumerate() {
                        labels[k] = i64::from(mask >> bit & 1);
                    }
                    pair_value(measure, labels)
                })
                .collect()
        })
        .collect();
    let mut best: Option<u64> = None;
    for subset in 1u32..1 << open.len() {
        let chosen: Vec<&Vec<f64>> =
            (0..open.len()).filter(|i| subset >> i & 1 == 1).map(|i| &open[i]).collect();
        let k = chosen.len() as u64;
        if best.is_some_and(|b| b <= k) {
            continue;
        }
        let mut sums = vec![start];
        for values in chosen {
            sums = sums.iter().flat_map(|s| values.iter().map(move |&v| s.with(v, 1))).collect();
        }
        if sums.iter().any(|&s| decide(s) != conclusion) {
            best = Some(k);
        }
    }
    Some(best)
}

#[test]
fn the_pair_tipping_point_matches_brute_force() {
    use crate::counts::{pair_cell, PAIR_CELLS};
    use crate::stats::counterfactual::pair_value;
    let mut rng = SplitMix64::new(11);
    let (mut robust, mut tipped) = ([0; 2], [0; 2]);
    for case in 0..300 {
        // 4–19 complete pairs leaning one way (or not), plus up to 5 incomplete ones.
        let lean = [0.2, 0.5, 0.8][case % 3];
        let mut pairs: Vec<[usize; 4]> = (0..4 + case % 16)
            .map(|_| {
                [
                    rng.below(2),
                    rng.below(2),
                    usize::from(rng.bernoulli(lean)),
                    usize::from(rng.bernoulli(lean)),
                ]
            })
            .collect();
        for _ in 0..case % 6 {
            let label = |rng: &mut SplitMix64| if rng.bernoulli(0.4) { 2 } else { rng.below(2) };
            let mut p = [0; 4].map(|_| label(&mut rng));
            p[rng.below(4)] = 2;
            pairs.push(p);
        }
        let mut cells = vec![0u64; PAIR_CELLS];
        for p in &pairs {
            cells[pair_cell(p[0], p[1], p[2], p[3])] += 1;
        }
        for (j, measure) in ["asymmetry", "both_sides"].into_iter().enumerate() {
            let check = |decide: &dyn Fn(ValueSums) -> Conclusion| {
                let got =
                    pair_tipping_point(&cells, |c| pair_value(measure, c), decide, measure != "asymmetry");
                let want = brute_pair_tipping(&pairs, measure, &decide);
                assert_eq!(got.map(|t| t.items), want, "case {case} {measure}: {pairs:?}");
                got
            };
            let got = match measure {
                "asymmetry" => check(&t_decide(0.05)),
                _ => check(&mcnemar_decide(0.05)),
            };
            match got.and_then(|t| t.items) {
                Some(_) => tipped[j] += 1,
                None => robust[j] += 1,
            }
        }
    }
    // Both outcomes occur for both tests, so the comparison above tests each.
    assert!(robust.iter().chain(&tipped).all(|&k| k > 10), "robust {robust:?}, tipped {tipped:?}");
}

#[test]
fn bounds_of_item_means_agree_with_the_table_and_with_brute_force() {
    use crate::counts::{to_units, Moments, UNIT};
    let mut rng = SplitMix64::new(13);
    for case in 0..100 {
        // Items with a mean of 0–4 valid samples of 4 (None = no valid sample) on each side.
        let mean = |rng: &mut SplitMix64| match rng.below(6) {
            0 => None,
            k => Some(rng.below(k + 1) as f64 / k as f64),
        };
        let items: Vec<(Option<f64>, Option<f64>)> =
            (0..3 + case % 9).map(|_| (mean(&mut rng), mean(&mut rng))).collect();
        let (mut m, mut c) = (Moments::default(), InvalidCells::default());
        let unit = UNIT as u64;
        for &(b, v) in &items {
            match (b, v) {
                (Some(b), Some(v)) => {
                    m.n += 1;
                    (m.sum_baseline, m.sum_model) = (m.sum_baseline + to_units(b), m.sum_model + to_units(v));
                }
                (None, Some(v)) => {
                    (c.model_one, c.model_zero) =
                        (c.model_one + to_units(v), c.model_zero + unit - to_units(v))
                }
                (Some(b), None) => {
                    (c.baseline_one, c.baseline_zero) =
                        (c.baseline_one + to_units(b), c.baseline_zero + unit - to_units(b))
                }
                (None, None) => c.both += unit,
            }
        }
        let got = manski_bounds_of_means(&m, &c).expect("items");
        // Every 0/1 value of the unknown items (the difference is linear in each).
        let open: Vec<(usize, bool)> = items
            .iter()
            .enumerate()
            .flat_map(|(i, (b, v))| [(i, true, b.is_none()), (i, false, v.is_none())])
            .filter(|x| x.2)
            .map(|(i, side, _)| (i, side))
            .collect();
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for mask in 0..1u32 << open.len() {
            let mut filled: Vec<(f64, f64)> =
                items.iter().map(|(b, v)| (b.unwrap_or(0.0), v.unwrap_or(0.0))).collect();
            for (bit, &(i, baseline)) in open.iter().enumerate() {
                let x = f64::from(mask >> bit & 1);
                if baseline {
                    filled[i].0 = x
                } else {
                    filled[i].1 = x
                }
            }
            let d = filled.iter().map(|(b, v)| v - b).sum::<f64>() / items.len() as f64;
            (lo, hi) = (lo.min(d), hi.max(d));
        }
        // Within the 2^-32 rounding of each item value.
        let tol = items.len() as f64 / UNIT;
        assert!(
            (got.difference.low - lo).abs() <= tol && (got.difference.high - hi).abs() <= tol,
            "case {case}"
        );
        assert_eq!(got.items, items.len() as u64);
    }
    // 0/1 values: the same as the 2×2 table's bounds.
    let p = PairedCounts { both: 3, model_only: 4, baseline_only: 1, neither: 2 };
    let c = InvalidCells { model_one: 2, model_zero: 1, baseline_one: 1, baseline_zero: 3, both: 2 };
    let of_means =
        manski_bounds_of_means(&Moments::of_pairs(&p), &c.times(UNIT as u64).expect("small cells"));
    assert_eq!(of_means, manski_bounds(&p, &c));
}

#[test]
fn huge_pair_counts_bisect_for_mcnemar_and_are_refused_for_the_t_path() {
    use crate::counts::{pair_cell, PAIR_CELLS};
    use crate::stats::counterfactual::pair_value;
    // 1,000 complete pairs the model affirms on both sides and the human does not (+1 each),
    // and 10^12 pairs whose model label on side B is missing, human both 1, model A 1: each can
    // become a −1 pair. McNemar's verdict "higher" tips once c reaches about b.
    let mut cells = vec![0u64; PAIR_CELLS];
    cells[pair_cell(0, 0, 1, 1)] = 1_000;
    cells[pair_cell(1, 1, 1, 2)] = 1_000_000_000_000;
    let decide = mcnemar_decide(0.05);
    let t = pair_tipping_point(&cells, |c| pair_value("both_sides", c), &decide, true).expect("a conclusion");
    assert_eq!(t.conclusion, Conclusion::Higher);
    let k = t.items.expect("tips");
    // By the definition: k − 1 added −1 pairs keep "higher", k do not.
    let at = |k: u64| decide(ValueSums { n: 1_000 + k, sum: 1_000.0 - k as f64, sum_sq: 1_000.0 + k as f64 });
    assert!(at(k - 1) == Conclusion::Higher && at(k) != Conclusion::Higher, "k = {k}");
    // The t path steps one pair at a time: beyond MAX_PATH it is not computed.
    assert_eq!(pair_tipping_point(&cells, |c| pair_value("asymmetry", c), t_decide(0.05), false), None);
}
