//! The verdict classes section from the class cells (`counts::ClassCells`): tables, class rates
//! with paired differences, marginal homogeneity, and the named movements. Its p-values are
//! adjusted as a family of their own, so `--verdict-classes` leaves every other adjusted p-value
//! of the run unchanged.

use crate::analysis::findings::{
    ClassHomogeneity, ClassRate, ClassTable, Movement, Settings, VerdictClasses,
};
use crate::counts::{ClassCells, ClassKey, CountsTable, PairedCounts, NO_CLASS};
use crate::stats::marginal_homogeneity::marginal_homogeneity;
use crate::stats::multiplicity::adjust;
use crate::stats::paired_difference::paired_difference;
use crate::stats::wilson::wilson_interval;

/// The default classes, in order; classes found in counts files beyond them follow, sorted.
const DEFAULT_CLASSES: [&str; 5] = ["YTA", "NTA", "ESH", "NAH", "INFO"];

/// A named movement: the reference classes it starts from and the source classes it ends in.
struct Named {
    name: &'static str,
    from: &'static [&'static str],
    to: &'static [&'static str],
}

/// Softening, both-blame and abstention (`from: []` = any class but the targets: abstention
/// starts from a judgement, so INFO → INFO is agreement, not a move).
const MOVEMENTS: [Named; 3] = [
    Named { name: "softening", from: &["YTA"], to: &["ESH", "NAH", "NTA"] },
    Named { name: "both-blame", from: &["YTA", "NTA"], to: &["ESH"] },
    Named { name: "abstention", from: &[], to: &["INFO"] },
];

/// The section, or `None` when the counts have no class cells.
pub(super) fn section(counts: &CountsTable, settings: &Settings) -> Option<VerdictClasses> {
    if counts.classes.is_empty() {
        return None;
    }
    let classes = settings.verdict_classes.clone().unwrap_or_else(|| found_classes(&counts.classes));
    let confidence = settings.confidence.get();
    let baseline = settings.baseline.as_str();
    let models: Vec<&ClassCells> = counts.classes.iter().filter(|c| c.source != baseline).collect();
    let is_class = |c: &str| classes.iter().any(|x| x == c);
    let mut out = VerdictClasses {
        classes: classes.clone(),
        test: settings.homogeneity_test.label().into(),
        tables: Vec::new(),
        rates: Vec::new(),
        homogeneity: Vec::new(),
        movements: Vec::new(),
    };
    for m in &models {
        let (table, outside) = m.two_way(&classes, |k| &k.baseline, |k| &k.model);
        out.rates.extend(class_rates(m, &classes, &table, confidence, settings));
        out.homogeneity.push(homogeneity(m, &table, settings));
        let reference = baseline.to_string();
        out.tables.push(ClassTable {
            metric: m.metric.clone(),
            source: m.source.clone(),
            reference,
            counts: table,
            outside,
        });
        for named in MOVEMENTS.iter().filter(|n| applies(n, &classes)) {
            let from = |k: &ClassKey| in_from(named, &k.baseline, &is_class);
            let cells = |k: &ClassKey| from(k) && is_class(&k.model);
            out.movements.push(movement(m, named, baseline, cells, |k| &k.model, confidence));
        }
    }
    let truthful = counts.classes.iter().any(|c| c.cells.keys().any(|k| is_class(&k.truth)));
    if truthful {
        against_truth(&mut out, counts, &classes, settings);
    }
    correct(&mut out, settings);
    Some(out)
}

/// Each source against the truth: its table and movements; a model's movements paired with
/// the baseline's on the same items when the baseline gave classes for the metric.
fn against_truth(out: &mut VerdictClasses, counts: &CountsTable, classes: &[String], settings: &Settings) {
    let confidence = settings.confidence.get();
    let baseline = settings.baseline.as_str();
    let is_class = |c: &str| classes.iter().any(|x| x == c);
    let sources = counts
        .classes
        .iter()
        .filter(|c| c.source == baseline)
        .chain(counts.classes.iter().filter(|c| c.source != baseline));
    for c in sources {
        let (table, outside) = c.two_way(classes, |k| &k.truth, |k| &k.model);
        out.tables.push(ClassTable {
            metric: c.metric.clone(),
            source: c.source.clone(),
            reference: "truth".into(),
            counts: table,
            outside,
        });
        // A model's cells hold the baseline's class too: paired when the baseline gave any.
        let paired = c.source != baseline && c.cells.keys().any(|k| is_class(&k.baseline));
        for named in MOVEMENTS.iter().filter(|n| applies(n, classes)) {
            let cells = |k: &ClassKey| {
                in_from(named, &k.truth, &is_class)
                    && is_class(&k.model)
                    && (!paired || is_class(&k.baseline))
            };
            let mut row = movement(c, named, "truth", cells, |k| &k.model, confidence);
            if paired {
                add_paired(&mut row, c, named, &cells, settings);
            }
            out.movements.push(row);
        }
    }
}

/// The classes of counts read back without `--verdict-classes`: the defaults (whether or not
/// the cells use them, as a run with the defaults has them), then any other class in the
/// cells, sorted.
fn found_classes(tables: &[ClassCells]) -> Vec<String> {
    let mut seen: Vec<String> = tables
        .iter()
        .flat_map(|t| t.cells.keys().flat_map(|k| [&k.truth, &k.baseline, &k.model]))
        .filter(|c| c.as_str() != NO_CLASS)
        .cloned()
        .collect();
    seen.sort();
    seen.dedup();
    let mut classes: Vec<String> = DEFAULT_CLASSES.iter().map(|d| d.to_string()).collect();
    classes.extend(seen.into_iter().filter(|s| !DEFAULT_CLASSES.contains(&s.as_str())));
    classes
}

/// Whether the run's classes hold every class a movement names.
fn applies(named: &Named, classes: &[String]) -> bool {
    named.from.iter().chain(named.to).all(|c| classes.iter().any(|x| x == c))
}

fn in_from(named: &Named, class: &str, is_class: &dyn Fn(&str) -> bool) -> bool {
    if named.from.is_empty() {
        is_class(class) && !named.to.contains(&class)
    } else {
        named.from.contains(&class)
    }
}

/// A movement's rate over the items `eligible` keeps: those whose `moved` class is a target.
fn movement(
    c: &ClassCells,
    named: &Named,
    reference: &str,
    eligible: impl Fn(&ClassKey) -> bool,
    moved: impl Fn(&ClassKey) -> &str,
    confidence: f64,
) -> Movement {
    let n = c.count(&eligible);
    let k = c.count(|key| eligible(key) && named.to.contains(&moved(key)));
    Movement {
        metric: c.metric.clone(),
        source: c.source.clone(),
        reference: reference.into(),
        movement: named.name.into(),
        n,
        moved: k,
        rate: (n > 0).then(|| k as f64 / n as f64),
        rate_ci: wilson_interval(k, n, confidence),
        baseline_rate: None,
        difference: None,
        difference_ci: None,
        p_value: None,
        p_adjusted: None,
        significant: false,
    }
}

/// The baseline's rate of the same movement on the same items, and the paired difference.
fn add_paired(
    row: &mut Movement,
    c: &ClassCells,
    named: &Named,
    eligible: &dyn Fn(&ClassKey) -> bool,
    settings: &Settings,
) {
    let moves = |class: &str| named.to.contains(&class);
    let pairs = PairedCounts {
        both: c.count(|k| eligible(k) && moves(&k.model) && moves(&k.baseline)),
        model_only: c.count(|k| eligible(k) && moves(&k.model) && !moves(&k.baseline)),
        baseline_only: c.count(|k| eligible(k) && !moves(&k.model) && moves(&k.baseline)),
        neither: c.count(|k| eligible(k) && !moves(&k.model) && !moves(&k.baseline)),
    };
    if let Some((difference, ci, p)) = paired_difference(&pairs, settings.confidence.get(), settings.test) {
        row.baseline_rate = Some((pairs.both + pairs.baseline_only) as f64 / pairs.n() as f64);
        row.difference = Some(difference);
        row.difference_ci = ci;
        row.p_value = Some(p);
    }
}

/// Per class: the baseline's and the model's share on the items both gave a class.
fn class_rates(
    c: &ClassCells,
    classes: &[String],
    table: &[Vec<u64>],
    confidence: f64,
    settings: &Settings,
) -> Vec<ClassRate> {
    let k = classes.len();
    (0..k)
        .filter_map(|i| {
            let both = table[i][i];
            let model_only: u64 = (0..k).filter(|&j| j != i).map(|j| table[j][i]).sum();
            let baseline_only: u64 = (0..k).filter(|&j| j != i).map(|j| table[i][j]).sum();
            let n: u64 = table.iter().flatten().sum();
            if both + model_only + baseline_only == 0 {
                // Neither side gave the class: its difference is 0 by construction, no test.
                return None;
            }
            let pairs = PairedCounts {
                both,
                model_only,
                baseline_only,
                neither: n - both - model_only - baseline_only,
            };
            let (difference, ci, p) = paired_difference(&pairs, confidence, settings.test)?;
            Some(ClassRate {
                metric: c.metric.clone(),
                model: c.source.clone(),
                class: classes[i].clone(),
                n,
                baseline_rate: (both + baseline_only) as f64 / n as f64,
                model_rate: (both + model_only) as f64 / n as f64,
                difference,
                difference_ci: ci,
                p_value: Some(p),
                p_adjusted: None,
                significant: false,
            })
        })
        .collect()
}

fn homogeneity(c: &ClassCells, table: &[Vec<u64>], settings: &Settings) -> ClassHomogeneity {
    let test = marginal_homogeneity(table, settings.homogeneity_test);
    let n: u64 = table.iter().flatten().sum();
    let moved = n - (0..table.len()).map(|i| table[i][i]).sum::<u64>();
    let note = match (test, n, moved) {
        (Some(_), _, _) => None,
        (None, 0, _) => Some("no item with a class on both sides".to_string()),
        (None, _, 0) => Some("no item changed class".to_string()),
        (None, _, _) => Some("undefined: every item moved the same way".to_string()),
    };
    ClassHomogeneity {
        metric: c.metric.clone(),
        model: c.source.clone(),
        n,
        statistic: test.map(|t| t.statistic),
        df: test.map_or(0, |t| t.df as u64),
        p_value: test.map(|t| t.p_value),
        p_adjusted: None,
        significant: false,
        note,
    }
}

/// Adjusts the section's p-values as one family (rates, homogeneity tests, paired movements).
fn correct(out: &mut VerdictClasses, settings: &Settings) {
    let alpha = 1.0 - settings.confidence.get();
    let mut family: Vec<Option<f64>> = out.rates.iter().map(|r| r.p_value).collect();
    family.extend(out.homogeneity.iter().map(|h| h.p_value));
    family.extend(out.movements.iter().map(|m| m.p_value));
    let mut adjusted = adjust(&family, settings.correction).into_iter();
    let mut set = |p_adjusted: &mut Option<f64>, significant: &mut bool| {
        *p_adjusted = adjusted.next().flatten();
        *significant = p_adjusted.is_some_and(|p| p < alpha);
    };
    out.rates.iter_mut().for_each(|r| set(&mut r.p_adjusted, &mut r.significant));
    out.homogeneity.iter_mut().for_each(|h| set(&mut h.p_adjusted, &mut h.significant));
    out.movements.iter_mut().for_each(|m| set(&mut m.p_adjusted, &mut m.significant));
}
