//! Numbered sample columns in a wide file, found by `amplify inspect`: `<source>_<metric>_<k>`
//! or `<metric>_<source>_<k>` (e.g. `gpt4_label_1`, `gpt4_label_2`), read with
//! `--map SOURCE.METRIC=COL1,COL2`.

use super::{ColumnProfile, ColumnRole};

/// One source's sample columns, in the order of their numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SampleColumns {
    /// The source's name (the part of the stem that differs between sources).
    pub source: String,
    /// Its columns, sample 1 first.
    pub columns: Vec<String>,
}

/// The wide file's samples: the metric they measure, each source's columns, and the baseline's
/// own column of that kind (the one label column of the role that is not numbered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WideSamples {
    /// The metric name the command gives every source.
    pub metric: String,
    /// The baseline's column.
    pub baseline: String,
    /// The model sources.
    pub sources: Vec<SampleColumns>,
}

/// Finds numbered sample columns of one role (verdicts first, then 0/1 labels): stems with two or
/// more numbered columns, beside exactly one un-numbered column of that role (the baseline).
pub(crate) fn wide_samples(columns: &[ColumnProfile]) -> Option<WideSamples> {
    [ColumnRole::Verdict, ColumnRole::Metric].into_iter().find_map(|role| of_role(columns, role))
}

fn of_role(columns: &[ColumnProfile], role: ColumnRole) -> Option<WideSamples> {
    let names: Vec<&str> = columns.iter().filter(|c| c.role == role).map(|c| c.name.as_str()).collect();
    let mut stems: Vec<(String, Vec<(u32, String)>)> = Vec::new();
    for name in &names {
        let Some((stem, k)) = numbered(name) else { continue };
        match stems.iter_mut().find(|(s, _)| s == stem) {
            Some((_, list)) => list.push((k, name.to_string())),
            None => stems.push((stem.to_string(), vec![(k, name.to_string())])),
        }
    }
    stems.retain(|(_, list)| list.len() >= 2);
    let in_stems = |n: &str| stems.iter().any(|(_, l)| l.iter().any(|(_, c)| c == n));
    let others: Vec<&str> = names.iter().copied().filter(|n| !in_stems(n)).collect();
    let [baseline] = others.as_slice() else { return None };
    if stems.is_empty() {
        return None;
    }
    let (sources, common) = split_stems(&stems.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>());
    let metric = match role {
        ColumnRole::Verdict => "verdict".to_string(),
        _ => common.filter(|c| !c.is_empty()).unwrap_or_else(|| "label".to_string()),
    };
    let sources = stems
        .into_iter()
        .zip(sources)
        .map(|((_, mut list), source)| {
            list.sort();
            SampleColumns { source, columns: list.into_iter().map(|(_, c)| c).collect() }
        })
        .collect();
    Some(WideSamples { metric, baseline: baseline.to_string(), sources })
}

/// `stem_<k>` with `k` a number: the stem and `k`.
fn numbered(name: &str) -> Option<(&str, u32)> {
    let (stem, k) = name.rsplit_once('_')?;
    let k = k.parse().ok()?;
    (!stem.is_empty()).then_some((stem, k))
}

/// The source names of the stems and the part they share: a common `_suffix` (`gpt4_label`,
/// `claude_label` → gpt4, claude; label) or `prefix_` (`label_gpt4` → gpt4); one stem, or stems
/// that share neither, are the source names themselves.
fn split_stems(stems: &[&str]) -> (Vec<String>, Option<String>) {
    let whole = || (stems.iter().map(|s| s.to_string()).collect(), None);
    if stems.len() < 2 {
        return whole();
    }
    let suffix = |s: &str| s.split_once('_').map(|(_, rest)| rest.to_string());
    let prefix = |s: &str| s.rsplit_once('_').map(|(first, _)| first.to_string());
    for (part, strip) in [(suffix(stems[0]), true), (prefix(stems[0]), false)] {
        let Some(part) = part else { continue };
        let cut = |s: &str| match strip {
            true => s.strip_suffix(&format!("_{part}")).map(str::to_string),
            false => s.strip_prefix(&format!("{part}_")).map(str::to_string),
        };
        let names: Option<Vec<String>> = stems.iter().map(|s| cut(s)).collect();
        if let Some(names) = names.filter(|n| distinct(n)) {
            return (names, Some(part));
        }
    }
    whole()
}

fn distinct(names: &[String]) -> bool {
    names.iter().enumerate().all(|(i, n)| !n.is_empty() && !names[..i].contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &str, role: ColumnRole) -> ColumnProfile {
        ColumnProfile {
            name: name.into(),
            dtype: "str".into(),
            nulls: 0,
            distinct: 5,
            role,
            labels: None,
            verdicts: None,
        }
    }

    #[test]
    fn source_first_and_metric_first_stems_split_into_sources() {
        let v = ColumnRole::Verdict;
        let cols: Vec<ColumnProfile> =
            ["verdict", "gpt4_label_2", "gpt4_label_1", "claude_3_label_1", "claude_3_label_2", "title"]
                .iter()
                .map(|n| column(n, if *n == "title" { ColumnRole::Text } else { v }))
                .collect();
        let found = wide_samples(&cols).expect("found");
        assert_eq!(found.metric, "verdict");
        assert_eq!(found.baseline, "verdict");
        let names: Vec<(&str, Vec<&str>)> = found
            .sources
            .iter()
            .map(|s| (s.source.as_str(), s.columns.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            names,
            [
                ("gpt4", vec!["gpt4_label_1", "gpt4_label_2"]),
                ("claude_3", vec!["claude_3_label_1", "claude_3_label_2"])
            ]
        );
        let m = ColumnRole::Metric;
        let cols: Vec<ColumnProfile> = ["harm_human", "harm_a_1", "harm_a_2", "harm_b_1", "harm_b_2"]
            .iter()
            .map(|n| column(n, m))
            .collect();
        let found = wide_samples(&cols).expect("found");
        assert_eq!((found.metric.as_str(), found.baseline.as_str()), ("harm", "harm_human"));
        assert_eq!(found.sources[1].source, "b");
    }

    #[test]
    fn no_baseline_or_single_columns_are_not_samples() {
        let v = ColumnRole::Verdict;
        let two_bases: Vec<ColumnProfile> = ["a", "b", "m_1", "m_2"].iter().map(|n| column(n, v)).collect();
        assert_eq!(wide_samples(&two_bases), None);
        let single: Vec<ColumnProfile> = ["a", "m_1", "n_1"].iter().map(|n| column(n, v)).collect();
        assert_eq!(wide_samples(&single), None);
    }
}
