//! The repeat sums of a repeated run (`--sample`, `--annotator`): per source and column, the
//! sums behind the instability measures ([`RepeatSums`](crate::counts::RepeatSums)), from the
//! source's item frame; and a reader of the small aggregate frames of
//! [`crate::data::count::repeated::items`].

use crate::counts::RepeatCounts;
use crate::data::columns::{
    distinct, first_sample, level, positives, samples, ID, SAMPLE_DISTINCT, SAMPLE_NULLS, SAMPLE_ROWS, TRUTH,
};
use crate::data::engine::EngineContext;
use crate::data::input::{Dataset, SourceFrame};
use crate::error::{AmplifyError, Result};
use crate::stats::repeats::repeat_sums;
use polars::prelude::*;

/// The repeat sums of every column a source has, from its items' valid samples k, ones s and
/// first valid sample ([`repeat_sums`]: one loop over the items; the polars aggregates below,
/// kept as the tests' reference, took 0.45 s per model at 2M items × 5 columns).
pub(crate) fn repeat_rows(
    columns: &[String],
    source: &SourceFrame,
    items: &DataFrame,
) -> Result<Vec<RepeatCounts>> {
    let mut out = Vec::new();
    let counts = |name: String| -> Result<Int64Chunked> {
        let c = items
            .column(&name)
            .and_then(|c| c.cast(&DataType::Int64))
            .engine(|| format!("reading '{name}'"))?;
        Ok(c.i64().engine(|| format!("reading '{name}'"))?.clone())
    };
    let present: Vec<usize> = (0..columns.len()).filter(|&i| source.present[i]).collect();
    // The columns' sums over the cores.
    let sums = crate::parallel::map(present.len(), |j| -> Result<_> {
        let i = present[j];
        let (k, s, first) = (counts(samples(i))?, counts(positives(i))?, counts(first_sample(i))?);
        let unit = |v: Option<i64>| v.unwrap_or(0).max(0) as u64;
        let per_item =
            k.iter().zip(s.iter()).zip(first.iter()).map(|((k, s), f)| (unit(k), unit(s), unit(f)));
        Ok(repeat_sums(per_item))
    });
    for (&i, sums) in present.iter().zip(sums) {
        out.push(RepeatCounts { source: source.name.clone(), metric: columns[i].clone(), sums: sums? });
    }
    Ok(out)
}

/// A source's sample (annotator) column must name every row and each sample of an item once: a
/// missing value or a sample value repeated within an item is an error naming the file, the column
/// and examples. Checked on the item frame (its per-item rows, distinct values and nulls).
pub(crate) fn check_samples(
    data: &Dataset,
    frame: &SourceFrame,
    items: &DataFrame,
    baseline: bool,
) -> Result<()> {
    if items.column(SAMPLE_ROWS).is_err() {
        return Ok(());
    }
    let column = data.repeats.as_ref().and_then(|r| r.order_column(baseline)).unwrap_or("sample");
    let path = data.files[frame.file].path.display();
    let reader = Reader { df: items };
    let (rows, distinct, nulls) =
        (reader.u64s(SAMPLE_ROWS)?, reader.u64s(SAMPLE_DISTINCT)?, reader.u64s(SAMPLE_NULLS)?);
    let missing: u64 = nulls.iter().sum();
    if missing > 0 {
        return Err(AmplifyError::Data(format!(
            "{path}: {missing} row(s) of '{}' have no {column} value; give every sample its {column}",
            frame.name
        )));
    }
    let twice: Vec<usize> = (0..rows.len()).filter(|&r| distinct[r] < rows[r]).collect();
    if twice.is_empty() {
        return Ok(());
    }
    let ids = reader.strings(ID)?;
    let examples: Vec<&str> = twice.iter().take(3).map(|&r| ids[r].as_deref().unwrap_or("")).collect();
    Err(AmplifyError::Data(format!(
        "{path}: {} item(s) of '{}' have the same {column} on two rows (e.g. id {}); each sample of an item needs its own {column}",
        twice.len(),
        frame.name,
        examples.join(", ")
    )))
}

/// The truth and the group levels of an item must be the same on all its rows (annotators): an
/// error names the file, what differs and example ids.
pub(crate) fn check_item_columns(data: &Dataset, frame: &SourceFrame, items: &DataFrame) -> Result<()> {
    let mut checked: Vec<(String, String)> = vec![(TRUTH.to_string(), "truth".to_string())];
    checked.extend(
        data.groupings
            .iter()
            .enumerate()
            .map(|(j, g)| (level(j), format!("level of grouping '{}'", g.name()))),
    );
    let reader = Reader { df: items };
    for (column, what) in checked {
        if items.column(&distinct(&column)).is_err() {
            continue;
        }
        let counts = reader.u64s(&distinct(&column))?;
        let differ: Vec<usize> = (0..counts.len()).filter(|&r| counts[r] > 1).collect();
        if let Some(&first) = differ.first() {
            let ids = reader.strings(ID)?;
            return Err(AmplifyError::Data(format!(
                "{}: {} item(s) of '{}' have a different {what} on different rows (e.g. id {}); an item's rows must agree",
                data.files[frame.file].path.display(),
                differ.len(),
                frame.name,
                ids[first].as_deref().unwrap_or("")
            )));
        }
    }
    Ok(())
}

/// Reads whole columns of a small aggregate frame.
pub(crate) struct Reader<'a> {
    pub(crate) df: &'a DataFrame,
}

impl Reader<'_> {
    /// Column `name` cast to `dtype`.
    fn column(&self, name: &str, dtype: DataType) -> Result<Column> {
        let c = self.df.column(name).engine(|| format!("reading '{name}'"))?;
        c.cast(&dtype).engine(|| format!("reading '{name}'"))
    }

    /// Column `name` as numbers (null as 0).
    pub(crate) fn f64s(&self, name: &str) -> Result<Vec<f64>> {
        let c = self.column(name, DataType::Float64)?;
        let ca = c.f64().engine(|| format!("reading '{name}'"))?;
        Ok(ca.iter().map(|v| v.unwrap_or(0.0)).collect())
    }

    /// Column `name` as counts (null and negative as 0).
    pub(crate) fn u64s(&self, name: &str) -> Result<Vec<u64>> {
        Ok(self.i64s(name)?.into_iter().map(|v| v.unwrap_or(0).max(0) as u64).collect())
    }

    /// Column `name` as integers, nulls kept.
    pub(crate) fn i64s(&self, name: &str) -> Result<Vec<Option<i64>>> {
        let c = self.column(name, DataType::Int64)?;
        Ok(c.i64().engine(|| format!("reading '{name}'"))?.iter().collect())
    }

    /// Column `name` as text, nulls kept.
    pub(crate) fn strings(&self, name: &str) -> Result<Vec<Option<String>>> {
        let c = self.column(name, DataType::String)?;
        Ok(c.str().engine(|| format!("reading '{name}'"))?.iter().map(|v| v.map(str::to_string)).collect())
    }
}

/// Reads an integer column of a small frame as counts (the first cell of a one-row aggregate).
pub(crate) fn column_u64(df: &DataFrame, name: &str) -> Result<Vec<u64>> {
    Reader { df }.u64s(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::counts::RepeatSums;
    use crate::data::columns::repeat_sum;
    use crate::data::count::repeated::query::{collect, fixed};
    use crate::rng::SplitMix64;

    /// [`repeat_rows`] by polars aggregates: the independent reference of the tests.
    fn by_query(columns: &[String], source: &SourceFrame, items: &DataFrame) -> Result<Vec<RepeatCounts>> {
        let present: Vec<usize> = (0..columns.len()).filter(|&i| source.present[i]).collect();
        let exprs: Vec<Expr> = present.iter().flat_map(|&i| repeat_exprs(i)).collect();
        let df = collect(items.clone().lazy().select(exprs), "repeated samples")?;
        let reader = Reader { df: &df };
        let mut out = Vec::new();
        for &i in &present {
            let u = |stat: &str| reader.u64s(&repeat_sum(stat, i)).map(|v| v[0]);
            out.push(RepeatCounts {
                source: source.name.clone(),
                metric: columns[i].clone(),
                sums: RepeatSums {
                    items: u("items")?,
                    samples: u("samples")?,
                    sum_k_sq: u("kk")?,
                    positives: u("pos")?,
                    sum_s_sq_over_k: u("ssk")?,
                    sum_mean: u("mean")?,
                    sum_mean_sq: u("meansq")?,
                    repeated: u("rep")?,
                    repeated_samples: u("repk")?,
                    repeated_positives: u("reps")?,
                    disagree: u("dis")?,
                    sum_within: u("within")?,
                    sum_agreement: u("agree")?,
                    first_positive: u("first")?,
                },
            });
        }
        Ok(out)
    }

    /// The aggregates behind one column's [`RepeatSums`], from its items' k (valid samples) and s
    /// (ones), in the order of the operations of `stats::repeats::repeat_sums` (so the unit rounding
    /// is the same).
    fn repeat_exprs(i: usize) -> [Expr; 14] {
        let k = col(samples(i)).cast(DataType::Float64);
        let s = col(positives(i)).cast(DataType::Float64);
        let (has, rep) = (k.clone().gt(lit(0.0)), k.clone().gt_eq(lit(2.0)));
        let mean = s.clone() / k.clone();
        let pairs = k.clone() * (k.clone() - lit(1.0));
        let within = s.clone() * (k.clone() - s.clone()) / pairs.clone();
        let agreement = (s.clone() * (s.clone() - lit(1.0))
            + (k.clone() - s.clone()) * (k.clone() - s.clone() - lit(1.0)))
            / pairs;
        let units = |when_: Expr, e: Expr, stat: &str| {
            when(when_).then(fixed(e)).otherwise(lit(0i64)).sum().alias(repeat_sum(stat, i))
        };
        let count = |e: Expr, stat: &str| e.cast(DataType::Int64).sum().alias(repeat_sum(stat, i));
        let whole = |when_: Expr, e: Expr, stat: &str| {
            when(when_).then(e.cast(DataType::Int64)).otherwise(lit(0i64)).sum().alias(repeat_sum(stat, i))
        };
        [
            count(has.clone(), "items"),
            count(k.clone(), "samples"),
            count(k.clone() * k.clone(), "kk"),
            count(s.clone(), "pos"),
            units(has.clone(), s.clone() * s.clone() / k.clone(), "ssk"),
            units(has.clone(), mean.clone(), "mean"),
            units(has, mean.clone() * mean, "meansq"),
            count(rep.clone(), "rep"),
            whole(rep.clone(), k.clone(), "repk"),
            whole(rep.clone(), s.clone(), "reps"),
            count(s.clone().gt(lit(0.0)).and(s.lt(k)), "dis"),
            units(rep.clone(), within, "within"),
            units(rep, agreement, "agree"),
            count(col(first_sample(i)), "first"),
        ]
    }

    /// The loop gives the polars aggregates' sums exactly (units rounded alike): random items of
    /// 0 to 6 valid samples, two columns, one of them absent from the source.
    #[test]
    fn the_loop_equals_the_aggregates() {
        let mut rng = SplitMix64::new(11);
        let n = 5_000;
        let mut cols = vec![Column::new(ID.into(), (0..n as i64).collect::<Vec<_>>())];
        for i in [0usize, 2] {
            let k: Vec<i64> = (0..n).map(|_| rng.below(7) as i64).collect();
            let s: Vec<i64> = k.iter().map(|&k| rng.below(k as usize + 1) as i64).collect();
            let first: Vec<Option<i64>> = k
                .iter()
                .zip(&s)
                .map(|(&k, &s)| (k > 0).then(|| i64::from(rng.below(k as usize) < s as usize)))
                .collect();
            cols.extend([
                Column::new(samples(i).into(), k),
                Column::new(positives(i).into(), s),
                Column::new(first_sample(i).into(), first),
            ]);
        }
        let items = DataFrame::new(n, cols).expect("items");
        let columns: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let source = SourceFrame {
            name: "m".into(),
            file: 0,
            lazy: items.clone().lazy(),
            rows: n as u64,
            id_column: "id".into(),
            present: vec![true, false, true],
            inverted: vec![false; 3],
            repeats: true,
        };
        let fast = repeat_rows(&columns, &source, &items).expect("loop");
        assert_eq!(fast.len(), 2);
        assert!(fast.iter().all(|r| r.sums.sum_within > 0 && r.sums.items > 0));
        assert_eq!(fast, by_query(&columns, &source, &items).expect("aggregates"));
    }
}
