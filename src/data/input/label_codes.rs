//! Label codes computed in Rust over a column's arrays, where polars' comparison kernels (a
//! scalar bitmap loop without its nightly SIMD feature) were the largest cost: [`add_codes`]
//! weights each row's code into a packed key (the counting passes), [`label_bytes`] gives one
//! byte per label (the repeated path). Both code as [`normalised`] reads a label.

use polars::prelude::*;

#[cfg(doc)]
use super::labels::normalised;

/// Whether [`label_bytes`] codes a column of this type (integers and booleans).
pub(crate) fn is_byte_label_type(dtype: &DataType) -> bool {
    dtype.is_integer() || dtype.is_bool()
}

/// An integer or boolean label column as [`normalised`] reads it, one byte per label without a
/// validity mask: 1, 0 (swapped with `invert`) or 2 for an invalid or missing label. One pass
/// in Rust: polars' comparison kernels behind [`normalised`] took about 0.2 s of a 10M-row
/// source of 5 columns.
pub(crate) fn label_bytes(column: &Column, invert: bool) -> PolarsResult<Column> {
    fn code<T>(ca: &ChunkedArray<T>, invert: bool) -> Vec<i8>
    where
        T: PolarsNumericType,
        T::Native: Into<i64>,
    {
        let byte = |v: i64, valid: bool| {
            if valid && (v as u64) < 2 {
                ((v ^ i64::from(invert)) & 1) as i8
            } else {
                2
            }
        };
        let mut out = Vec::with_capacity(ca.len());
        for arr in ca.downcast_iter() {
            let values = arr.values().iter().map(|&v| v.into());
            match arr.validity() {
                Some(validity) => out.extend(values.zip(validity.iter()).map(|(v, ok)| byte(v, ok))),
                None => out.extend(values.map(|v| byte(v, true))),
            }
        }
        out
    }
    let bytes = match column.dtype() {
        DataType::Int32 => code(column.i32()?, invert),
        DataType::Int8 => code(column.i8()?, invert),
        // Booleans as 1/0; wider or unsigned integers as Int64 (values beyond it become null,
        // as in `normalised`).
        DataType::Boolean => code(column.cast(&DataType::Int8)?.i8()?, invert),
        _ => code(column.cast(&DataType::Int64)?.i64()?, invert),
    };
    Ok(Int8Chunked::from_vec(column.name().clone(), bytes).into_column())
}

/// Adds `code · weight` to `out` for every row of a label column, where the code of 1 is 1, of 0
/// is 0 (swapped under `invert`) and of anything else or null is 2 (invalid).
pub(crate) fn add_codes(column: &Column, invert: bool, weight: i64, out: &mut [i64]) -> PolarsResult<()> {
    polars_ensure!(column.len() == out.len(), ShapeMismatch: "label column of {} rows, {} expected", column.len(), out.len());
    if column.dtype() == &DataType::Int32 {
        add_chunked(column.i32()?, invert, weight, out);
    } else {
        add_chunked(column.cast(&DataType::Int64)?.i64()?, invert, weight, out);
    }
    Ok(())
}

/// [`add_codes`] over the arrays of one integer column.
fn add_chunked<T>(ca: &ChunkedArray<T>, invert: bool, weight: i64, out: &mut [i64])
where
    T: PolarsNumericType,
    T::Native: Into<i64>,
{
    let mut at = 0;
    for arr in ca.downcast_iter() {
        let validity = arr.validity().filter(|v| v.unset_bits() > 0).map(|v| v.as_slice());
        let values = arr.values().as_slice();
        let dst = &mut out[at..at + values.len()];
        add_chunk(values, validity.map(|(bytes, offset, _)| (bytes, offset)), invert, weight, dst);
        at += values.len();
    }
}

/// Adds the weighted codes of one array to `dst`, branch-free (labels are unpredictable, so a
/// branch per value would mispredict often). `validity` is the validity bitmap's bytes and bit
/// offset (None: no nulls).
fn add_chunk<T: Copy + Into<i64>>(
    values: &[T],
    validity: Option<(&[u8], usize)>,
    invert: bool,
    weight: i64,
    dst: &mut [i64],
) {
    let flip = i64::from(invert);
    // `ok` is 1 for a valid 0/1 label; the code is the label (xor 1 when inverted) or 2.
    let code = move |v: T, valid: bool| {
        let v: i64 = v.into();
        let ok = i64::from(valid) & i64::from((v as u64) < 2);
        ok * (v ^ flip) + (1 - ok) * 2
    };
    match validity {
        None => {
            for (d, &v) in dst.iter_mut().zip(values) {
                *d += code(v, true) * weight;
            }
        }
        Some((bytes, offset)) if offset % 8 == 0 => {
            // Eight rows per validity byte.
            let bytes = bytes.get(offset / 8..).unwrap_or_default();
            for (i, (d8, v8)) in dst.chunks_mut(8).zip(values.chunks(8)).enumerate() {
                let byte = bytes.get(i).copied().unwrap_or(0);
                for (k, (d, &v)) in d8.iter_mut().zip(v8).enumerate() {
                    *d += code(v, (byte >> k) & 1 == 1) * weight;
                }
            }
        }
        Some((bytes, offset)) => {
            for (i, (d, &v)) in dst.iter_mut().zip(values).enumerate() {
                let bit = i + offset;
                let valid = bytes.get(bit >> 3).is_some_and(|b| (b >> (bit & 7)) & 1 == 1);
                *d += code(v, valid) * weight;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::input::labels::normalised;

    #[test]
    fn label_bytes_code_as_normalised_does() {
        let columns = [
            Column::new("x".into(), [Some(1i32), Some(0), None, Some(2), Some(-1)]),
            Column::new("x".into(), [Some(1i64), Some(0), None, Some(i64::MAX), Some(1 << 40)]),
            Column::new("x".into(), [Some(1u64), Some(0), None, Some(u64::MAX), Some(1)]),
            Column::new("x".into(), [Some(1i8), Some(0), None, Some(-128), Some(1)]),
            Column::new("x".into(), [Some(true), Some(false), None, Some(true), Some(false)]),
        ];
        for column in columns {
            for invert in [false, true] {
                let frame = DataFrame::new(5, vec![column.clone()]).expect("frame");
                let expected = frame
                    .lazy()
                    .select([normalised("x", column.dtype(), invert)
                        .fill_null(lit(2))
                        .cast(DataType::Int8)
                        .alias("x")])
                    .collect()
                    .expect("normalised");
                let got = label_bytes(&column, invert).expect("bytes");
                assert_eq!(got.null_count(), 0);
                let want = expected.column("x").expect("x").as_materialized_series().clone();
                assert!(got.as_materialized_series().equals(&want), "{column:?} {invert}: {got:?}");
            }
        }
    }

    #[test]
    fn add_codes_keeps_0_and_1_and_codes_everything_else_2() {
        let values = [Some(1i64), Some(0), None, Some(2), Some(-1), Some(i64::MAX)];
        let wide = Int64Chunked::from_iter_options("x".into(), values.into_iter()).into_column();
        let narrow = wide.cast(&DataType::Int32).expect("cast"); // i64::MAX becomes null
        for column in [wide, narrow] {
            let mut out = vec![100; 6];
            add_codes(&column, false, 1, &mut out).expect("codes");
            assert_eq!(out, vec![101, 100, 102, 102, 102, 102]);
            let mut inverted = vec![0; 6];
            add_codes(&column, true, 3, &mut inverted).expect("codes");
            assert_eq!(inverted, vec![0, 3, 6, 6, 6, 6]);
        }
        // A slice starting mid-byte of the validity bitmap (the bit-by-bit path).
        let values = [Some(1), None, Some(0), Some(1), None, Some(0), Some(1), Some(1), None, Some(0)];
        let sliced =
            Int32Chunked::from_iter_options("x".into(), values.into_iter()).slice(3, 7).into_column();
        let mut out = vec![0; 7];
        add_codes(&sliced, false, 1, &mut out).expect("codes");
        assert_eq!(out, vec![1, 2, 0, 1, 1, 2, 0]);
        let booleans =
            BooleanChunked::from_iter_options("b".into(), [Some(true), None, Some(false)].into_iter());
        let mut out = vec![0; 3];
        add_codes(&booleans.into_column(), false, 1, &mut out).expect("codes");
        assert_eq!(out, vec![1, 2, 0]);
        assert!(add_codes(&Int64Chunked::from_vec("x".into(), vec![1]).into_column(), false, 1, &mut [0, 0])
            .is_err());
    }
}
