//! The sample's judged file (`data/sample/judged.parquet`: the human and model_a labels of the
//! four behaviours in one long file with a `source` column, as a judge's output would be) and
//! its audit file (`data/sample/audit.parquet`): gold labels from "people" for a random
//! 10% of the items of the human texts and of model_a's, for the four judge-scored behaviours,
//! drawn so that the sample's labels behave like a judge with known, differential error:
//! sensitivity 0.85 / specificity 0.90 on the human texts and 0.95 / 0.80 on model_a's.

use crate::plain_table::{Table, Values};
use crate::rng::SplitMix64;
use crate::sample::labels::METRICS;

/// (source, judge sensitivity, judge specificity) of the audited sources.
const JUDGE: [(&str, f64, f64); 2] = [("human", 0.85, 0.90), ("model_a", 0.95, 0.80)];
/// Share of each source's items audited.
const AUDITED: f64 = 0.10;

/// A metric column of a generated table as 0/1 (anything else `None`).
fn labels(table: &Table, metric: &str) -> Vec<Option<u8>> {
    match table.columns.iter().find(|(name, _)| name == metric) {
        Some((_, Values::Int(v))) => {
            v.iter().map(|x| x.filter(|x| *x == 0 || *x == 1).map(|x| x as u8)).collect()
        }
        _ => Vec::new(),
    }
}

/// P(gold = 1 | judge label) for a judge with sensitivity `se` and specificity `sp` whose labels
/// have positive share `q`: the true prevalence is π = (q + sp − 1)/(se + sp − 1) (Rogan &
/// Gladen 1978), then Bayes' rule.
fn gold_given_judge(q: f64, se: f64, sp: f64) -> (f64, f64) {
    let pi = ((q + sp - 1.0) / (se + sp - 1.0)).clamp(0.01, 0.99);
    let given_one = se * pi / (se * pi + (1.0 - sp) * (1.0 - pi));
    let given_zero = (1.0 - se) * pi / ((1.0 - se) * pi + sp * (1.0 - pi));
    (given_zero, given_one)
}

/// The audit table for the generated `tables` (human and model_a among them), from its own
/// random stream so that the other sample files do not change.
pub(crate) fn audit_table(tables: &[Table], seed: u64) -> Table {
    let mut rng = SplitMix64::new(seed ^ 0xA0D1_7000);
    let (mut ids, mut sources) = (Vec::new(), Vec::new());
    let mut gold: Vec<Vec<Option<i64>>> = vec![Vec::new(); METRICS.len()];
    for (source, se, sp) in JUDGE {
        let Some(table) = tables.iter().find(|t| t.name == source) else { continue };
        let Some((_, Values::Int(item_ids))) = table.columns.iter().find(|(n, _)| n == "id") else {
            continue;
        };
        let judged: Vec<Vec<Option<u8>>> = METRICS.iter().map(|m| labels(table, m)).collect();
        let probabilities: Vec<(f64, f64)> = judged
            .iter()
            .map(|l| {
                let valid: Vec<u8> = l.iter().flatten().copied().collect();
                let q = valid.iter().map(|&x| f64::from(x)).sum::<f64>() / valid.len().max(1) as f64;
                gold_given_judge(q, se, sp)
            })
            .collect();
        for (row, id) in item_ids.iter().enumerate() {
            if !rng.bernoulli(AUDITED) {
                continue;
            }
            ids.push(*id);
            sources.push(Some(source.to_string()));
            for (m, column) in gold.iter_mut().enumerate() {
                let (p0, p1) = probabilities[m];
                let g = judged[m]
                    .get(row)
                    .copied()
                    .flatten()
                    .map(|f| rng.bernoulli(if f == 1 { p1 } else { p0 }));
                column.push(g.map(i64::from));
            }
        }
    }
    let mut columns =
        vec![("id".to_string(), Values::Int(ids)), ("source".to_string(), Values::Str(sources))];
    columns.extend(METRICS.iter().zip(gold).map(|(m, g)| (m.to_string(), Values::Int(g))));
    Table { name: "audit".into(), columns }
}

/// The judged labels of the audited sources in one long table (id, source, the behaviours).
pub(crate) fn judged_table(tables: &[Table]) -> Table {
    let (mut ids, mut sources) = (Vec::new(), Vec::new());
    let mut labels_out: Vec<Vec<Option<i64>>> = vec![Vec::new(); METRICS.len()];
    for (source, _, _) in JUDGE {
        let Some(table) = tables.iter().find(|t| t.name == source) else { continue };
        let Some((_, Values::Int(item_ids))) = table.columns.iter().find(|(n, _)| n == "id") else {
            continue;
        };
        ids.extend(item_ids.iter().copied());
        sources.extend(item_ids.iter().map(|_| Some(source.to_string())));
        for (m, column) in labels_out.iter_mut().enumerate() {
            if let Some((_, Values::Int(v))) = table.columns.iter().find(|(n, _)| n == METRICS[m]) {
                column.extend(v.iter().copied());
            }
        }
    }
    let mut columns =
        vec![("id".to_string(), Values::Int(ids)), ("source".to_string(), Values::Str(sources))];
    columns.extend(METRICS.iter().zip(labels_out).map(|(m, v)| (m.to_string(), Values::Int(v))));
    Table { name: "judged".into(), columns }
}
