//! Planning a judge run (which requests to make) and assembling its output columns.

use super::cache::{key, Cache};
use super::rubric::Rubric;
use super::runner::Task;
use super::verdict_text::{extract, TextVerdict};
use crate::plain_table::Values;
use std::collections::{HashMap, HashSet};

/// The requests a run needs and where every (behaviour, item) answer will come from.
#[derive(Debug, Default)]
pub struct Plan {
    /// Requests to make: one per distinct key not in the cache.
    pub tasks: Vec<Task>,
    /// Cache key per behaviour, per item; `None` when the item lacks a prompt or response.
    pub keys: Vec<Vec<Option<String>>>,
    /// (behaviour, item) pairs already answered in the cache.
    pub cached: usize,
    /// (behaviour, item) pairs sharing a request with an earlier identical item.
    pub duplicates: usize,
    /// (behaviour, item) pairs without a prompt or response.
    pub missing: usize,
}

/// Plans the requests for `rubrics` over the items; `cache` may be absent (dry run without one).
pub fn plan(
    prompts: &[Option<String>],
    responses: &[Option<String>],
    rubrics: &[Rubric],
    judge_model: &str,
    cache: Option<&Cache>,
) -> Plan {
    let mut result = Plan::default();
    let mut queued = HashSet::new();
    for rubric in rubrics {
        let mut keys = Vec::with_capacity(prompts.len());
        for (prompt, response) in prompts.iter().zip(responses) {
            let (Some(prompt), Some(response)) = (prompt, response) else {
                result.missing += 1;
                keys.push(None);
                continue;
            };
            let k = key(&rubric.version, &rubric.name, judge_model, prompt, response);
            if cache.is_some_and(|c| c.get(&k).is_some()) {
                result.cached += 1;
            } else if !queued.insert(k.clone()) {
                result.duplicates += 1;
            } else {
                let messages = rubric.render(prompt, response);
                result.tasks.push(super::runner::Task { key: k.clone(), rubric: rubric.clone(), messages });
            }
            keys.push(Some(k));
        }
        result.keys.push(keys);
    }
    result
}

/// Counts of the (behaviour, item) outcomes in an output.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Outcomes {
    /// Valid 0/1 judgements.
    pub valid: usize,
    /// Replies that were not an accepted answer.
    pub invalid: usize,
    /// Requests that failed after all attempts.
    pub failed: usize,
    /// Items without a prompt or response.
    pub missing: usize,
}

/// The columns `<behaviour>`, `<behaviour>_raw`, `<behaviour>_error` for every rubric.
pub fn judgement_columns(
    rubrics: &[Rubric],
    plan: &Plan,
    cache: &Cache,
    failed: &HashMap<String, String>,
    outcomes: &mut Outcomes,
) -> Vec<(String, Values)> {
    let mut columns = Vec::new();
    for (rubric, keys) in rubrics.iter().zip(&plan.keys) {
        let (mut values, mut raws, mut errors) = (Vec::new(), Vec::new(), Vec::new());
        for k in keys {
            let (value, raw, error) = match k.as_deref() {
                None => {
                    outcomes.missing += 1;
                    (None, None, Some("missing prompt or response".to_string()))
                }
                Some(k) => match (cache.get(k), failed.get(k)) {
                    (Some(j), _) if j.value.is_some() => {
                        outcomes.valid += 1;
                        (j.value.map(i64::from), Some(j.raw.clone()), None)
                    }
                    (Some(j), _) => {
                        outcomes.invalid += 1;
                        (
                            None,
                            Some(j.raw.clone()),
                            Some("invalid reply: not one of the accepted answers".into()),
                        )
                    }
                    (None, reason) => {
                        outcomes.failed += 1;
                        (None, None, Some(reason.cloned().unwrap_or_else(|| "not judged".into())))
                    }
                },
            };
            values.push(value);
            raws.push(raw);
            errors.push(error);
        }
        columns.push((rubric.name.clone(), Values::Int(values)));
        columns.push((format!("{}_raw", rubric.name), Values::Str(raws)));
        columns.push((format!("{}_error", rubric.name), Values::Str(errors)));
    }
    columns
}

/// The columns `verdict` (YTA/NTA/ESH/NAH/INFO or null) and `verdict_error` from free text.
pub fn verdict_columns(texts: &[Option<String>], outcomes: &mut Outcomes) -> Vec<(String, Values)> {
    let (mut verdicts, mut errors) = (Vec::new(), Vec::new());
    for text in texts {
        let verdict = match text {
            Some(text) => extract(text),
            None => {
                outcomes.missing += 1;
                verdicts.push(None);
                errors.push(Some("missing text".to_string()));
                continue;
            }
        };
        match &verdict {
            TextVerdict::Verdict(v) => {
                outcomes.valid += 1;
                verdicts.push(Some((*v).to_string()));
            }
            _ => {
                outcomes.invalid += 1;
                verdicts.push(None);
            }
        }
        errors.push(verdict.reason());
    }
    vec![("verdict".into(), Values::Str(verdicts)), ("verdict_error".into(), Values::Str(errors))]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::rubric::built_in;

    #[test]
    fn plans_skip_cached_duplicate_and_missing_items() {
        let dir = tempfile::tempdir().unwrap();
        let mut cache = Cache::open(&dir.path().join("c.jsonl")).unwrap();
        let rubrics = &built_in()[..2];
        let text = |s: &str| Some(s.to_string());
        let prompts = vec![text("p1"), text("p1"), text("p2"), None];
        let responses = vec![text("r1"), text("r1"), text("r2"), text("r3")];
        let first = plan(&prompts, &responses, rubrics, "m", Some(&cache));
        assert_eq!((first.tasks.len(), first.duplicates, first.missing, first.cached), (4, 2, 2, 0));
        let task = &first.tasks[0];
        cache
            .append(crate::judge::cache::Judgement {
                key: task.key.clone(),
                behaviour: task.rubric.name.clone(),
                rubric_version: task.rubric.version.clone(),
                judge_model: "m".into(),
                value: Some(1),
                raw: "1".into(),
                prompt_tokens: None,
                completion_tokens: None,
            })
            .unwrap();
        let second = plan(&prompts, &responses, rubrics, "m", Some(&cache));
        assert_eq!((second.tasks.len(), second.cached), (3, 2));
        let mut outcomes = Outcomes::default();
        let failed =
            HashMap::from([(second.tasks[0].key.clone(), "failed after 5 attempt(s): HTTP 503".into())]);
        let columns = judgement_columns(rubrics, &second, &cache, &failed, &mut outcomes);
        assert_eq!(columns[0].1, Values::Int(vec![Some(1), Some(1), None, None]));
        assert_eq!(outcomes, Outcomes { valid: 2, invalid: 0, failed: 4, missing: 2 });
        let Values::Str(errors) = &columns[2].1 else { panic!() };
        assert!(errors[2].as_deref().unwrap().contains("HTTP 503"));
    }
}
