//! The verdict classes sections (`--verdict-classes`): each class's rate in the baseline and
//! the model, the marginal-homogeneity test, the named movements, and (in reports) every k×k
//! table.

use super::content::{pct, with_ci, Section};
use crate::analysis::findings::{ClassTable, VerdictClasses};
use crate::analysis::Findings;
use crate::output::format_p;

fn star(significant: bool) -> &'static str {
    if significant {
        " *"
    } else {
        ""
    }
}

/// The rates, homogeneity and movement tables (none without the section).
pub(crate) fn sections(f: &Findings) -> Vec<Section> {
    let Some(v) = &f.verdict_classes else { return Vec::new() };
    let b = &f.settings.baseline;
    let mut out = Vec::new();
    if !v.rates.is_empty() {
        out.push(rates(v, b));
        out.push(homogeneity(v));
    }
    if !v.movements.is_empty() {
        out.push(movements(v, b));
    }
    out
}

fn rates(v: &VerdictClasses, b: &str) -> Section {
    Section {
        title: "Verdict classes".into(),
        intro: format!(
            "Each class's share in {b} and the model over the items both gave a class; Δ: Tango's interval, McNemar's test. Classes: {} (a class neither gave is left out). Tests of this section are adjusted as a family of their own (* = significant).",
            v.classes.join(", ")
        ),
        headers: ["metric", "model", "class", "n", &format!("{b} %"), "model %", "Δ pp [CI]", "p adj"]
            .map(String::from)
            .to_vec(),
        rows: v
            .rates
            .iter()
            .map(|r| {
                vec![
                    r.metric.clone(),
                    r.model.clone(),
                    r.class.clone(),
                    r.n.to_string(),
                    pct(Some(r.baseline_rate)),
                    pct(Some(r.model_rate)),
                    with_ci(Some(r.difference), r.difference_ci, true),
                    format!("{}{}", format_p(r.p_adjusted), star(r.significant)),
                ]
            })
            .collect(),
    }
}

fn homogeneity(v: &VerdictClasses) -> Section {
    Section {
        title: "Verdict classes: marginal homogeneity".into(),
        intro: format!(
            "Does the model use the classes at the same rates as the baseline on the same items? {} test over the classes items moved into or out of (df = those − the groups of classes items moved between).",
            v.test
        ),
        headers: ["metric", "model", "n", "test", "χ²", "df", "p", "p adj"].map(String::from).to_vec(),
        rows: v
            .homogeneity
            .iter()
            .map(|h| {
                vec![
                    h.metric.clone(),
                    h.model.clone(),
                    h.n.to_string(),
                    v.test.clone(),
                    match (h.statistic, &h.note) {
                        (Some(s), _) => format!("{s:.2}"),
                        (None, Some(note)) => format!("– ({note})"),
                        (None, None) => "–".into(),
                    },
                    h.df.to_string(),
                    format_p(h.p_value),
                    format!("{}{}", format_p(h.p_adjusted), star(h.significant)),
                ]
            })
            .collect(),
    }
}

fn movements(v: &VerdictClasses, b: &str) -> Section {
    Section {
        title: "Verdict movements".into(),
        intro: format!(
            "softening: the reference's YTA → ESH, NAH or NTA; both-blame: YTA or NTA → ESH; abstention: any other class → INFO. Rate: Wilson interval over the items the movement can start from. Against the truth, a model's rate is paired with {b}'s on the same items (Tango's interval, McNemar's test)."
        ),
        headers: ["metric", "source", "against", "movement", "n", "moved", "rate % [CI]", &format!("{b} %"), "Δ pp [CI]", "p adj"]
            .map(String::from)
            .to_vec(),
        rows: v
            .movements
            .iter()
            .map(|m| {
                vec![
                    m.metric.clone(),
                    m.source.clone(),
                    m.reference.clone(),
                    m.movement.clone(),
                    m.n.to_string(),
                    m.moved.to_string(),
                    with_ci(m.rate, m.rate_ci, false),
                    pct(m.baseline_rate),
                    with_ci(m.difference, m.difference_ci, true),
                    match m.p_adjusted {
                        Some(_) => format!("{}{}", format_p(m.p_adjusted), star(m.significant)),
                        None => "–".into(),
                    },
                ]
            })
            .collect(),
    }
}

/// Every k×k table as a section: rows the reference's class, columns the source's (reports).
pub(crate) fn tables(f: &Findings) -> Vec<Section> {
    let Some(v) = &f.verdict_classes else { return Vec::new() };
    v.tables.iter().map(|t| table(v, t)).collect()
}

fn table(v: &VerdictClasses, t: &ClassTable) -> Section {
    let mut headers = vec![format!("{} \\ {}", t.reference, t.source)];
    headers.extend(v.classes.iter().cloned());
    headers.push("n".into());
    Section {
        title: format!("{}: {} × {}", t.metric, t.reference, t.source),
        intro: format!(
            "Rows: {}'s class; columns: {}'s. Items where either has no class: {}.",
            t.reference, t.source, t.outside
        ),
        headers,
        rows: v
            .classes
            .iter()
            .zip(&t.counts)
            .map(|(class, row)| {
                let mut cells = vec![class.clone()];
                cells.extend(row.iter().map(u64::to_string));
                cells.push(row.iter().sum::<u64>().to_string());
                cells
            })
            .collect(),
    }
}
