//! Label keys: each side's label codes packed into integer keys, so that one key per side and
//! row carries every metric's label (the cell tables of the pass and the group-by path count
//! combinations of keys; [`crate::data::count::encode::decode`] decodes them).
//!
//! A label code is 0, 1 or 2 (invalid). A side's codes for metrics i = 0..k are packed base 3,
//! 39 metrics per Int64 key column (3³⁹ < 2⁶³). The group-by result has at most 9^k rows (and
//! never more than the items), so decoding it in Rust loops over counts, not over data rows.

use crate::data::columns;
use crate::data::input::label_codes::add_codes;
use polars::prelude::*;

/// Metrics per key column.
const CHUNK: usize = 39;
/// Code of an invalid label.
pub(crate) const INVALID: u8 = 2;

/// Names of the key columns of one side (`prefix` + chunk number).
pub(crate) fn key_names(prefix: &str, k: usize) -> Vec<String> {
    (0..k.div_ceil(CHUNK).max(1)).map(|j| columns::key(prefix, j)).collect()
}

/// Key expressions of one side: `present[i]` says whether metric i exists on this side (a
/// missing metric is coded invalid) and `inverted[i]` whether its labels are flipped; the metric
/// columns are label sources ([`crate::data::input::labels::label_source`]). Coding and packing run as one
/// Rust kernel per key column ([`pack_kernel`]) rather than k polars expressions.
pub(crate) fn key_exprs(prefix: &str, metrics: &[String], present: &[bool], inverted: &[bool]) -> Vec<Expr> {
    key_names(prefix, metrics.len())
        .into_iter()
        .enumerate()
        .map(|(j, name)| {
            let chunk = (j * CHUNK)..((j + 1) * CHUNK).min(metrics.len());
            let weight = |i: usize| 3i64.pow((i - j * CHUNK) as u32);
            let missing: i64 =
                chunk.clone().filter(|&i| !present[i]).map(|i| INVALID as i64 * weight(i)).sum();
            let used: Vec<usize> = chunk.filter(|&i| present[i]).collect();
            let weights: Vec<(i64, bool)> = used.iter().map(|&i| (weight(i), inverted[i])).collect();
            let columns: Vec<Expr> = used.iter().map(|&i| col(metrics[i].as_str())).collect();
            match columns.split_first() {
                None => lit(missing),
                Some((first, rest)) => first.clone().map_many(
                    move |c: &mut [Column]| pack_kernel(c, &weights, missing).map(IntoColumn::into_column),
                    rest,
                    |_, fields| Ok(Field::new(fields[0].name().clone(), DataType::Int64)),
                ),
            }
            .alias(name)
        })
        .collect()
}

/// Packs label columns: `offset + Σ code(labels[c]) · weight[c]` per row, with each column's
/// (weight, inverted) in `weights` (see [`add_codes`]).
pub(crate) fn pack_kernel(
    labels: &[Column],
    weights: &[(i64, bool)],
    offset: i64,
) -> PolarsResult<Int64Chunked> {
    let rows = labels.first().map_or(0, Column::len);
    let mut out = vec![offset; rows];
    for (column, &(weight, inverted)) in labels.iter().zip(weights) {
        add_codes(column, inverted, weight, &mut out)?;
    }
    let name = labels.first().map(|c| c.name().clone()).unwrap_or_default();
    Ok(Int64Chunked::from_vec(name, out))
}

/// Unpacks the codes of `k` metrics from a side's key values.
pub(crate) fn decode(keys: &[i64], k: usize) -> Vec<u8> {
    (0..k)
        .map(|i| {
            let mut key = keys[i / CHUNK];
            for _ in 0..(i % CHUNK) {
                key /= 3;
            }
            (key % 3) as u8
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_inverts_the_packing() {
        // Codes (1, 0, 2, 1) packed base 3 with metric 0 least significant: 1 + 0·3 + 2·9 + 1·27.
        assert_eq!(decode(&[1 + 2 * 9 + 27], 4), vec![1, 0, 2, 1]);
        // Metric 40 lives in the second key column at position 1.
        let mut codes = decode(&[0, 3], 41);
        assert_eq!(codes.pop(), Some(1));
        assert!(codes.iter().all(|&c| c == 0));
    }

    #[test]
    fn pack_kernel_weights_codes_base_3() {
        let a = Int64Chunked::from_vec("a".into(), vec![1, 0, 2]).into_column();
        let b = Int64Chunked::from_vec("b".into(), vec![0, 1, 2]).into_column();
        // Metric 0 weight 1, metric 2 weight 9; metric 1 missing (2 · 3 = 6 added to every row).
        let packed = pack_kernel(&[a, b], &[(1, false), (9, false)], 6).expect("kernel");
        assert_eq!(packed.into_no_null_iter().collect::<Vec<_>>(), vec![7, 15, 26]);
        assert_eq!(decode(&[26], 3), vec![2, 2, 2]);
        // Inverted: 1 ↔ 0, invalid stays invalid.
        let a = Int64Chunked::from_vec("a".into(), vec![1, 0, 2]).into_column();
        let flipped = pack_kernel(&[a], &[(1, true)], 0).expect("kernel");
        assert_eq!(flipped.into_no_null_iter().collect::<Vec<_>>(), vec![0, 1, 2]);
    }
}
