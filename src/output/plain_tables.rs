//! Findings as plain tables (comparisons, groups, truth, pairs) for CSV and Parquet export.

use crate::analysis::Findings;
use crate::plain_table::{Table, Values};
use crate::stats::Interval;

fn floats<T>(rows: &[T], f: impl Fn(&T) -> Option<f64>) -> Values {
    Values::Float(rows.iter().map(f).collect())
}

fn ints<T>(rows: &[T], f: impl Fn(&T) -> u64) -> Values {
    Values::Int(rows.iter().map(|r| Some(f(r) as i64)).collect())
}

fn strs<T>(rows: &[T], f: impl Fn(&T) -> Option<String>) -> Values {
    Values::Str(rows.iter().map(f).collect())
}

fn bools<T>(rows: &[T], f: impl Fn(&T) -> bool) -> Values {
    Values::Bool(rows.iter().map(|r| Some(f(r))).collect())
}

fn ci_cols<T>(name: &str, rows: &[T], f: impl Fn(&T) -> Option<Interval> + Copy) -> [(String, Values); 2] {
    [
        (format!("{name}_low"), floats(rows, |r| f(r).map(|i| i.low))),
        (format!("{name}_high"), floats(rows, |r| f(r).map(|i| i.high))),
    ]
}

/// One row per metric × model (the `--format csv` table).
pub(crate) fn comparisons(f: &Findings) -> Table {
    let r = &f.comparisons;
    let mut columns = vec![
        ("metric".into(), strs(r, |c| Some(c.metric.clone()))),
        ("model".into(), strs(r, |c| Some(c.model.clone()))),
        ("n".into(), ints(r, |c| c.n)),
        ("both".into(), ints(r, |c| c.both)),
        ("model_only".into(), ints(r, |c| c.model_only)),
        ("baseline_only".into(), ints(r, |c| c.baseline_only)),
        ("neither".into(), ints(r, |c| c.neither)),
        ("baseline_rate".into(), floats(r, |c| c.baseline_rate)),
    ];
    columns.extend(ci_cols("baseline_ci", r, |c| c.baseline_ci));
    columns.push(("model_rate".into(), floats(r, |c| c.model_rate)));
    columns.extend(ci_cols("model_ci", r, |c| c.model_ci));
    columns.push(("difference".into(), floats(r, |c| c.difference)));
    columns.extend(ci_cols("difference_ci", r, |c| c.difference_ci));
    columns.extend([
        ("p_value".into(), floats(r, |c| c.p_value)),
        ("p_adjusted".into(), floats(r, |c| c.p_adjusted)),
        ("cohens_h".into(), floats(r, |c| c.cohens_h)),
        ("ratio".into(), floats(r, |c| c.ratio)),
        ("invalid_baseline".into(), ints(r, |c| c.invalid_baseline)),
        ("invalid_model".into(), ints(r, |c| c.invalid_model)),
        ("significant".into(), bools(r, |c| c.significant)),
        ("note".into(), strs(r, |c| c.note.clone())),
    ]);
    Table { name: "comparisons".into(), columns }
}

/// One row per grouping level × measure × metric × model.
pub(crate) fn groups(f: &Findings) -> Table {
    let r = &f.groups;
    let mut columns = vec![
        ("group_by".into(), strs(r, |g| Some(g.group_by.clone()))),
        ("level".into(), strs(r, |g| Some(g.level.clone()))),
        ("reference".into(), strs(r, |g| Some(g.reference.clone()))),
        ("measure".into(), strs(r, |g| Some(g.measure.clone()))),
        ("metric".into(), strs(r, |g| Some(g.metric.clone()))),
        ("model".into(), strs(r, |g| Some(g.model.clone()))),
        ("n".into(), ints(r, |g| g.n)),
        ("n_reference".into(), ints(r, |g| g.n_reference)),
        ("baseline_rate".into(), floats(r, |g| g.baseline_rate)),
        ("model_rate".into(), floats(r, |g| g.model_rate)),
        ("baseline_gap".into(), floats(r, |g| g.baseline_gap)),
        ("model_gap".into(), floats(r, |g| g.model_gap)),
        ("amplification".into(), floats(r, |g| g.amplification)),
    ];
    columns.extend(ci_cols("amplification_ci", r, |g| g.amplification_ci));
    columns.extend([
        ("relative".into(), floats(r, |g| g.relative)),
        ("direction".into(), strs(r, |g| Some(g.direction.clone()))),
        ("p_value".into(), floats(r, |g| g.p_value)),
        ("p_adjusted".into(), floats(r, |g| g.p_adjusted)),
        ("significant".into(), bools(r, |g| g.significant)),
        ("note".into(), strs(r, |g| g.note.clone())),
    ]);
    if r.iter().any(|g| g.ror.is_some()) {
        columns.push(("ror".into(), floats(r, |g| g.ror)));
        columns.extend(ci_cols("ror_ci", r, |g| g.ror_ci));
        columns.push(("ror_p_value".into(), floats(r, |g| g.ror_p_value)));
    }
    // Only runs with a grouping of 8 or more levels have shrunken estimates.
    if r.iter().any(|g| g.shrunken.is_some()) {
        columns.push(("shrunken".into(), floats(r, |g| g.shrunken)));
        columns.extend(ci_cols("shrunken_ci", r, |g| g.shrunken_ci));
    }
    Table { name: "groups".into(), columns }
}

/// One row per source × metric judged against the truth.
pub(crate) fn truth(f: &Findings) -> Table {
    let r = &f.truth;
    let mut columns = vec![
        ("source".into(), strs(r, |t| Some(t.source.clone()))),
        ("metric".into(), strs(r, |t| Some(t.metric.clone()))),
        ("n".into(), ints(r, |t| t.n)),
        ("tp".into(), ints(r, |t| t.counts.tp)),
        ("fp".into(), ints(r, |t| t.counts.fp)),
        ("tn".into(), ints(r, |t| t.counts.tn)),
        ("fn".into(), ints(r, |t| t.counts.fn_)),
        ("precision".into(), floats(r, |t| t.rates.precision)),
        ("recall".into(), floats(r, |t| t.rates.recall)),
        ("f1".into(), floats(r, |t| t.rates.f1)),
        ("accuracy".into(), floats(r, |t| t.rates.accuracy)),
        ("fpr".into(), floats(r, |t| t.rates.fpr)),
    ];
    columns.extend(ci_cols("fpr_ci", r, |t| t.rates.fpr_ci));
    columns.push(("fnr".into(), floats(r, |t| t.rates.fnr)));
    columns.extend(ci_cols("fnr_ci", r, |t| t.rates.fnr_ci));
    columns.extend([
        ("invalid_truth".into(), ints(r, |t| t.invalid_truth)),
        ("invalid_label".into(), ints(r, |t| t.invalid_label)),
    ]);
    Table { name: "truth".into(), columns }
}

fn rate_cols<T>(
    name: &str,
    rows: &[T],
    f: impl Fn(&T) -> Option<crate::stats::counterfactual::Rate> + Copy,
) -> [(String, Values); 3] {
    let [low, high] = ci_cols(&format!("{name}_ci"), rows, move |r| f(r).and_then(|x| x.ci));
    [(format!("{name}_rate"), floats(rows, |r| f(r).map(|x| x.rate))), low, high]
}

/// One row per source × metric × slice of side A (`--pair`).
pub(crate) fn pairs(f: &Findings) -> Table {
    let r = &f.pairs;
    let mut columns = vec![
        ("metric".into(), strs(r, |p| Some(p.metric.clone()))),
        ("source".into(), strs(r, |p| Some(p.source.clone()))),
        ("role".into(), strs(r, |p| Some(p.role.clone()))),
        ("group_by".into(), strs(r, |p| p.group_by.clone())),
        ("level".into(), strs(r, |p| p.level.clone())),
        ("n".into(), ints(r, |p| p.n)),
        ("incomplete".into(), ints(r, |p| p.incomplete)),
    ];
    columns.extend(rate_cols("both", r, |p| p.both));
    columns.extend(rate_cols("neither", r, |p| p.neither));
    columns.extend(rate_cols("affirms_both", r, |p| p.affirms_both));
    columns.extend(rate_cols("flip", r, |p| p.flip));
    columns.push(("asymmetry".into(), floats(r, |p| p.asymmetry)));
    columns.extend(ci_cols("asymmetry_ci", r, |p| p.asymmetry_ci));
    columns.extend([
        ("p_value".into(), floats(r, |p| p.p_value)),
        ("p_adjusted".into(), floats(r, |p| p.p_adjusted)),
        ("significant".into(), bools(r, |p| p.significant)),
        ("note".into(), strs(r, |p| p.note.clone())),
    ]);
    Table { name: "pairs".into(), columns }
}

/// One row per model × versus source × metric × slice × measure (`--pair`).
pub(crate) fn pair_tests(f: &Findings) -> Table {
    let r = &f.pair_tests;
    let mut columns = vec![
        ("metric".into(), strs(r, |t| Some(t.metric.clone()))),
        ("model".into(), strs(r, |t| Some(t.model.clone()))),
        ("versus".into(), strs(r, |t| Some(t.versus.clone()))),
        ("group_by".into(), strs(r, |t| t.group_by.clone())),
        ("level".into(), strs(r, |t| t.level.clone())),
        ("measure".into(), strs(r, |t| Some(t.measure.clone()))),
        ("n".into(), ints(r, |t| t.n)),
        ("versus_value".into(), floats(r, |t| t.versus_value)),
        ("model_value".into(), floats(r, |t| t.model_value)),
        ("difference".into(), floats(r, |t| t.difference)),
    ];
    columns.extend(ci_cols("difference_ci", r, |t| t.difference_ci));
    columns.extend([
        ("p_value".into(), floats(r, |t| t.p_value)),
        ("p_adjusted".into(), floats(r, |t| t.p_adjusted)),
        ("significant".into(), bools(r, |t| t.significant)),
        ("note".into(), strs(r, |t| t.note.clone())),
    ]);
    Table { name: "pair_tests".into(), columns }
}

/// The data's own rates, one row per metric (empty without a data section).
pub(crate) fn data_rates(f: &Findings) -> Table {
    let r = f.data.as_ref().map_or(&[][..], |d| &d.rates[..]);
    let mut columns = vec![
        ("metric".into(), strs(r, |x| Some(x.metric.clone()))),
        ("n".into(), ints(r, |x| x.n)),
        ("invalid".into(), ints(r, |x| x.invalid)),
        ("rate".into(), floats(r, |x| x.rate)),
    ];
    columns.extend(ci_cols("ci", r, |x| x.ci));
    Table { name: "data_rates".into(), columns }
}

/// The data's own group gaps, one row per grouping, level and metric.
pub(crate) fn data_gaps(f: &Findings) -> Table {
    let r = f.data.as_ref().map_or(&[][..], |d| &d.gaps[..]);
    let mut columns = vec![
        ("group_by".into(), strs(r, |x| Some(x.group_by.clone()))),
        ("level".into(), strs(r, |x| Some(x.level.clone()))),
        ("reference".into(), strs(r, |x| Some(x.reference.clone()))),
        ("metric".into(), strs(r, |x| Some(x.metric.clone()))),
        ("n".into(), ints(r, |x| x.n)),
        ("n_reference".into(), ints(r, |x| x.n_reference)),
        ("rate".into(), floats(r, |x| x.rate)),
        ("reference_rate".into(), floats(r, |x| x.reference_rate)),
        ("gap".into(), floats(r, |x| x.gap)),
    ];
    columns.extend(ci_cols("gap_ci", r, |x| x.gap_ci));
    columns.extend([
        ("p_value".into(), floats(r, |x| x.p_value)),
        ("p_adjusted".into(), floats(r, |x| x.p_adjusted)),
        ("significant".into(), bools(r, |x| x.significant)),
        ("note".into(), strs(r, |x| x.note.clone())),
    ]);
    Table { name: "data_gaps".into(), columns }
}
