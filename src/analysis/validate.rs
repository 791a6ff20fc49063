//! Checks a findings document read back from disk (`report --from`): every number must be one
//! amplify could have written, so a damaged or hand-edited file is refused, naming the field,
//! instead of rendered (a rate of 750%, a p-value of −3).

use crate::analysis::findings::{Comparison, Findings};
use crate::stats::Interval;

/// A field's path and value, and the rule it breaks.
type Problem = String;

struct Check {
    problems: Vec<Problem>,
}

impl Check {
    fn range(&mut self, field: String, value: Option<f64>, low: f64, high: f64) {
        if let Some(v) = value {
            if !(v >= low && v <= high) {
                self.problems.push(format!("{field} = {v} is outside [{low}, {high}]"));
            }
        }
    }

    fn interval(&mut self, field: String, ci: Option<Interval>, low: f64, high: f64) {
        if let Some(ci) = ci {
            self.range(format!("{field}.low"), Some(ci.low), low, high);
            self.range(format!("{field}.high"), Some(ci.high), low, high);
            if ci.low > ci.high {
                self.problems.push(format!("{field}: low {} is above high {}", ci.low, ci.high));
            }
        }
    }

    fn p_values(&mut self, field: &str, p: Option<f64>, adjusted: Option<f64>) {
        self.range(format!("{field}.p_value"), p, 0.0, 1.0);
        self.range(format!("{field}.p_adjusted"), adjusted, 0.0, 1.0);
        if let (Some(p), Some(a)) = (p, adjusted) {
            if a < p {
                self.problems.push(format!("{field}.p_adjusted = {a} is below its p_value {p}"));
            }
        }
    }
}

fn comparison(c: &mut Check, section: &str, i: usize, row: &Comparison) {
    let f = |name: &str| format!("{section}[{i}].{name}");
    // Item-level rows (repeated samples) have no 2×2 cells.
    let cells = row.both + row.model_only + row.baseline_only + row.neither;
    if row.method.is_none() && cells != row.n {
        c.problems.push(format!(
            "{}: both + model_only + baseline_only + neither is not n = {}",
            f("n"),
            row.n
        ));
    }
    c.range(f("baseline_rate"), row.baseline_rate, 0.0, 1.0);
    c.range(f("model_rate"), row.model_rate, 0.0, 1.0);
    c.range(f("difference"), row.difference, -1.0, 1.0);
    c.interval(f("baseline_ci"), row.baseline_ci, 0.0, 1.0);
    c.interval(f("model_ci"), row.model_ci, 0.0, 1.0);
    c.interval(f("difference_ci"), row.difference_ci, -1.0, 1.0);
    c.p_values(&format!("{section}[{i}]"), row.p_value, row.p_adjusted);
}

/// Every problem of the document (empty when it is sound), each naming its field.
pub(crate) fn problems(f: &Findings) -> Vec<String> {
    let mut c = Check { problems: Vec::new() };
    for (i, row) in f.comparisons.iter().enumerate() {
        comparison(&mut c, "comparisons", i, row);
    }
    if let Some(v) = &f.versus {
        for (i, row) in v.comparisons.iter().enumerate() {
            comparison(&mut c, "versus.comparisons", i, row);
        }
        for (i, u) in v.unpaired.iter().enumerate() {
            let field = |name: &str| format!("versus.unpaired[{i}].{name}");
            c.range(field("model_rate"), u.model_rate, 0.0, 1.0);
            c.range(field("base_rate"), u.base_rate, 0.0, 1.0);
            c.p_values(&format!("versus.unpaired[{i}]"), u.p_value, u.p_adjusted);
        }
    }
    for (i, r) in f.instability.iter().enumerate() {
        let field = |name: &str| format!("instability[{i}].{name}");
        c.range(field("share_disagree"), r.measures.share_disagree, 0.0, 1.0);
        c.range(field("rate"), r.rate, 0.0, 1.0);
        c.interval(field("rate_ci"), r.rate_ci, 0.0, 1.0);
    }
    for (i, o) in f.overall.iter().enumerate() {
        let field = |name: &str| format!("overall[{i}].{name}");
        c.range(field("baseline_score"), o.baseline_score, 0.0, 1.0);
        c.range(field("model_score"), o.model_score, 0.0, 1.0);
        c.range(field("difference"), o.difference, -1.0, 1.0);
        c.interval(field("difference_ci"), o.difference_ci, -1.0, 1.0);
        c.p_values(&format!("overall[{i}]"), o.p_value, o.p_adjusted);
    }
    for (i, t) in f.truth.iter().enumerate() {
        let field = |name: &str| format!("truth[{i}].{name}");
        for (name, v) in [
            ("precision", t.rates.precision),
            ("recall", t.rates.recall),
            ("accuracy", t.rates.accuracy),
            ("fpr", t.rates.fpr),
            ("fnr", t.rates.fnr),
        ] {
            c.range(field(name), v, 0.0, 1.0);
        }
        c.interval(field("fpr_ci"), t.rates.fpr_ci, 0.0, 1.0);
        c.interval(field("fnr_ci"), t.rates.fnr_ci, 0.0, 1.0);
        if t.method.is_none() && t.counts.tp + t.counts.fp + t.counts.tn + t.counts.fn_ != t.n {
            c.problems.push(format!("{}: tp + fp + tn + fn is not n = {}", field("n"), t.n));
        }
    }
    for (i, t) in f.truth_tests.iter().enumerate() {
        let field = |name: &str| format!("truth_tests[{i}].{name}");
        c.range(field("baseline_rate"), t.baseline_rate, 0.0, 1.0);
        c.range(field("model_rate"), t.model_rate, 0.0, 1.0);
        c.interval(field("difference_ci"), t.difference_ci, -1.0, 1.0);
        c.p_values(&format!("truth_tests[{i}]"), t.p_value, t.p_adjusted);
    }
    for (i, a) in f.agreement.iter().enumerate() {
        let field = |name: &str| format!("agreement[{i}].{name}");
        for (name, v) in [
            ("judge_rate", a.agreement.judge_rate),
            ("gold_rate", a.agreement.gold_rate),
            ("accuracy", a.agreement.accuracy),
            ("sensitivity", a.agreement.sensitivity),
            ("specificity", a.agreement.specificity),
        ] {
            c.range(field(name), v, 0.0, 1.0);
        }
        c.range(field("kappa"), a.agreement.kappa, -1.0, 1.0);
    }
    for (i, d) in f.differential.iter().enumerate() {
        c.p_values(&format!("differential[{i}]"), d.p_value, d.p_adjusted);
    }
    pairs(&mut c, f);
    for (i, g) in f.groups.iter().enumerate() {
        let field = |name: &str| format!("groups[{i}].{name}");
        c.range(field("baseline_rate"), g.baseline_rate, 0.0, 1.0);
        c.range(field("model_rate"), g.model_rate, 0.0, 1.0);
        c.p_values(&format!("groups[{i}]"), g.p_value, g.p_adjusted);
    }
    c.problems
}

/// The pair rows' rates and asymmetries, and the pair tests' differences.
fn pairs(c: &mut Check, f: &Findings) {
    for (i, r) in f.pairs.iter().enumerate() {
        let field = |name: &str| format!("pairs[{i}].{name}");
        for (name, rate) in
            [("both", r.both), ("neither", r.neither), ("affirms_both", r.affirms_both), ("flip", r.flip)]
        {
            if let Some(rate) = rate {
                c.range(field(&format!("{name}.rate")), Some(rate.rate), 0.0, 1.0);
                c.interval(field(&format!("{name}.ci")), rate.ci, 0.0, 1.0);
            }
        }
        c.range(field("asymmetry"), r.asymmetry, -1.0, 1.0);
        c.interval(field("asymmetry_ci"), r.asymmetry_ci, -1.0, 1.0);
        c.p_values(&format!("pairs[{i}]"), r.p_value, r.p_adjusted);
    }
    for (i, t) in f.pair_tests.iter().enumerate() {
        let field = |name: &str| format!("pair_tests[{i}].{name}");
        // The asymmetry amplification is a difference of two differences: within [−2, 2].
        let bound = if t.measure == "asymmetry" { 2.0 } else { 1.0 };
        c.range(field("difference"), t.difference, -bound, bound);
        c.interval(field("difference_ci"), t.difference_ci, -bound, bound);
        c.p_values(&format!("pair_tests[{i}]"), t.p_value, t.p_adjusted);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::example_findings as example;

    #[test]
    fn the_example_is_sound_and_damage_is_named() {
        assert_eq!(problems(&example()), Vec::<String>::new());
        let mut f = example();
        f.comparisons[1].model_rate = Some(7.5);
        f.overall[0].p_value = Some(-3.0);
        f.truth[0].rates.fnr_ci = Some(Interval { low: 0.4, high: 0.2 });
        let found = problems(&f);
        assert!(found.iter().any(|p| p.starts_with("comparisons[1].model_rate = 7.5")), "{found:?}");
        assert!(found.iter().any(|p| p.starts_with("overall[0].p_value = -3")), "{found:?}");
        assert!(found.iter().any(|p| p.contains("truth[0].fnr_ci: low 0.4 is above high 0.2")), "{found:?}");
    }
}
