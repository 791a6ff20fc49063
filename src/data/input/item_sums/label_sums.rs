//! Every label column's counters per item (valid samples, ones, first valid sample) and the
//! sample checks' per-item counts, in a pass that stays in cache. Counting row by row into the
//! item-major counters of 2M items × 5 columns (120 MB) missed the cache on nearly every row of a
//! shuffled file (0.95 s of a model's 10M rows). Here each row is first packed (its item, order
//! key and two bits per label) into the bucket of its block of items, the rows split over the
//! cores; then each block's counters are filled from its buckets while they fit in the L2 cache,
//! the blocks spread over the cores. All sums are of integers, so the result does not depend on
//! the order of rows, blocks or threads.

use polars::prelude::*;
use polars_arrow::array::{Array, PrimitiveArray};
use std::ops::Range;

/// One column's counters for one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Counter {
    /// Valid samples.
    pub(super) k: u32,
    /// Samples that are 1.
    pub(super) s: u32,
    /// The smallest key 2·order + label over valid samples with an order (`u32::MAX`: none;
    /// below 2³² as a repeated source has fewer than 2³¹ rows).
    pub(super) first: u32,
}

/// A column's counters before any sample.
const NO_SAMPLE: Counter = Counter { k: 0, s: 0, first: u32::MAX };

/// The code of an invalid (missing or unreadable) label.
pub(crate) const INVALID: i8 = 2;

/// No order key (the row's sample value is missing).
const NO_KEY: u32 = u32::MAX;

/// Per item, for the sample checks: its rows, its rows without an order, and its distinct
/// orders, one bit each (orders below 64 only).
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct SampleCounts {
    pub(super) rows: Vec<i64>,
    pub(super) nulls: Vec<i64>,
    pub(super) seen: Vec<u64>,
}

/// How the pass splits its work: items per block (a power of two, `1 << shift`) and threads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Split {
    /// log2 of the items per block.
    pub(crate) shift: u32,
    /// Threads of each phase.
    pub(crate) threads: usize,
}

impl Split {
    /// Blocks whose counters take about 512 KiB (a quarter of this machine's 2 MiB L2 cache,
    /// leaving room for the buckets being read), and every core.
    pub(crate) fn for_items(columns: usize, checks: bool) -> Self {
        let bytes = columns * std::mem::size_of::<Counter>() + if checks { 24 } else { 0 };
        let per_block = ((512usize << 10) / bytes.max(1)).max(64);
        let threads = std::thread::available_parallelism().map_or(1, |c| c.get()).clamp(1, 16);
        Self { shift: per_block.ilog2(), threads }
    }
}

/// Every column's counters, item-major (item × column), and the sample counts when asked for.
pub(super) struct LabelSums {
    pub(super) columns: usize,
    pub(super) counters: Vec<Counter>,
    pub(super) samples: Option<SampleCounts>,
}

/// The label arrays, the order keys' array and each row's item, read by the packing threads.
struct Rows<'a> {
    labels: Vec<&'a PrimitiveArray<i8>>,
    order: &'a PrimitiveArray<i64>,
    item_of: &'a [u32],
    /// u32 words per packed row: item, key, then 16 labels per word.
    words: usize,
}

impl LabelSums {
    /// The counters of `items` items from single-chunk label codes (0, 1 or [`INVALID`], no
    /// missing values) and order keys, with the sample counts when `samples` (every order then
    /// below 64); `None` for another label code, an order beyond 2³¹ − 2, or a failed thread
    /// (the caller groups with polars then).
    pub(super) fn add(
        labels: &[Int8Chunked],
        order: &Int64Chunked,
        item_of: &[u32],
        items: usize,
        samples: bool,
        split: Split,
    ) -> Option<Self> {
        let labels: Vec<&PrimitiveArray<i8>> =
            labels.iter().map(|c| c.downcast_iter().next()).collect::<Option<_>>()?;
        let rows = Rows {
            words: 2 + labels.len().div_ceil(16),
            labels,
            order: order.downcast_iter().next()?,
            item_of,
        };
        let blocks = items.div_ceil(1 << split.shift).max(1);
        let buckets = pack_all(&rows, split, blocks)?;
        let m = rows.labels.len();
        let mut out = Self {
            columns: m,
            counters: vec![NO_SAMPLE; items * m],
            samples: samples.then(|| SampleCounts {
                rows: vec![0; items],
                nulls: vec![0; items],
                seen: vec![0; items],
            }),
        };
        out.fill_all(&buckets, rows.words, split)?;
        Some(out)
    }

    /// Column `c`'s counters, item by item (a strided read of the item-major table).
    pub(super) fn column(&self, c: usize) -> impl ExactSizeIterator<Item = &Counter> {
        let m = self.columns.max(1);
        self.counters.chunks_exact(m).map(move |item| &item[c])
    }

    /// Fills every block's counters from its buckets, the blocks dealt over the threads.
    fn fill_all(&mut self, buckets: &[Vec<Vec<u32>>], words: usize, split: Split) -> Option<()> {
        let (m, block) = (self.columns, 1usize << split.shift);
        let mut jobs: Vec<Vec<Block>> = (0..split.threads).map(|_| Vec::new()).collect();
        let counters = self.counters.chunks_mut((block * m).max(1));
        let mut samples = self
            .samples
            .as_mut()
            .map(|s| (s.rows.chunks_mut(block), s.nulls.chunks_mut(block), s.seen.chunks_mut(block)));
        for (b, counters) in counters.enumerate() {
            let samples = samples.as_mut().and_then(|(r, n, s)| Some((r.next()?, n.next()?, s.next()?)));
            jobs[b % split.threads].push(Block { first: (b * block) as u32, counters, samples });
        }
        let done: Vec<bool> = std::thread::scope(|scope| {
            let workers: Vec<_> = jobs
                .into_iter()
                .map(|job| {
                    scope.spawn(move || {
                        for mut block in job {
                            let b = (block.first >> split.shift) as usize;
                            let parts = buckets.iter().map(|t| t[b].as_slice());
                            parts.for_each(|part| block.fill(part, words, m));
                        }
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().is_ok()).collect()
        });
        done.into_iter().all(|ok| ok).then_some(())
    }
}

/// One block of items: its first item, its counters and sample counts.
struct Block<'a> {
    first: u32,
    counters: &'a mut [Counter],
    samples: Option<(&'a mut [i64], &'a mut [i64], &'a mut [u64])>,
}

impl Block<'_> {
    /// Adds the packed rows of `part` (rows of this block's items).
    fn fill(&mut self, part: &[u32], words: usize, m: usize) {
        for row in part.chunks_exact(words) {
            let item = (row[0] - self.first) as usize;
            let key = row[1];
            let counters = &mut self.counters[item * m..(item + 1) * m];
            for (c, counter) in counters.iter_mut().enumerate() {
                let bits = (row[2 + c / 16] >> (2 * (c % 16))) & 3;
                if bits & 1 == 1 {
                    let v = bits >> 1;
                    counter.k += 1;
                    counter.s += v;
                    if key != NO_KEY {
                        counter.first = counter.first.min(key + v);
                    }
                }
            }
            if let Some((rows, nulls, seen)) = &mut self.samples {
                rows[item] += 1;
                match key {
                    NO_KEY => nulls[item] += 1,
                    key => seen[item] |= 1 << (key / 2),
                }
            }
        }
    }
}

/// Every row packed into its block's bucket, the rows split in ranges over the threads: per
/// thread, one bucket per block. `None` when a value is out of range.
fn pack_all(rows: &Rows, split: Split, blocks: usize) -> Option<Vec<Vec<Vec<u32>>>> {
    let n = rows.item_of.len();
    let size = n.div_ceil(split.threads).max(1);
    let packed = crate::parallel::map(split.threads, |t| {
        pack(rows, (t * size).min(n)..((t + 1) * size).min(n), split.shift, blocks)
    });
    packed.into_iter().collect()
}

/// The rows of `range`, packed by block: item, order key ([`NO_KEY`] without one) and per label
/// two bits (valid, value).
fn pack(rows: &Rows, range: Range<usize>, shift: u32, blocks: usize) -> Option<Vec<Vec<u32>>> {
    // Each bucket sized exactly (one read of the items first): no growth, no copies.
    let mut sizes = vec![0usize; blocks];
    rows.item_of[range.clone()].iter().for_each(|&item| sizes[(item >> shift) as usize] += rows.words);
    let mut buckets: Vec<Vec<u32>> = sizes.into_iter().map(Vec::with_capacity).collect();
    let mut labels = vec![0u32; rows.words - 2];
    for r in range {
        let key = match rows.order.is_valid(r).then(|| rows.order.value(r)) {
            Some(o) if !(0..(1 << 31) - 1).contains(&o) => return None,
            Some(o) => 2 * o as u32,
            None => NO_KEY,
        };
        labels.iter_mut().for_each(|w| *w = 0);
        for (c, a) in rows.labels.iter().enumerate() {
            match a.value(r) {
                v @ (0 | 1) => labels[c / 16] |= (1 | (v as u32) << 1) << (2 * (c % 16)),
                INVALID => {}
                _ => return None,
            }
        }
        let item = rows.item_of[r];
        let bucket = &mut buckets[(item >> shift) as usize];
        bucket.extend([item, key]);
        bucket.extend_from_slice(&labels);
    }
    Some(buckets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    /// The row-by-row count the pass replaced: the reference.
    fn row_by_row(labels: &[Int8Chunked], order: &Int64Chunked, item_of: &[u32], items: usize) -> LabelSums {
        let m = labels.len();
        let mut counters = vec![NO_SAMPLE; items * m];
        let mut samples = SampleCounts { rows: vec![0; items], nulls: vec![0; items], seen: vec![0; items] };
        for (r, &item) in item_of.iter().enumerate() {
            let item = item as usize;
            let key = order.get(r).map(|o| 2 * o as u32);
            for (c, column) in labels.iter().enumerate() {
                if let Some(v) = column.get(r).filter(|&v| v != INVALID) {
                    let counter = &mut counters[item * m + c];
                    counter.k += 1;
                    counter.s += v as u32;
                    if let Some(key) = key {
                        counter.first = counter.first.min(key + v as u32);
                    }
                }
            }
            samples.rows[item] += 1;
            match key {
                Some(key) => samples.seen[item] |= 1 << (key / 2),
                None => samples.nulls[item] += 1,
            }
        }
        LabelSums { columns: m, counters, samples: Some(samples) }
    }

    /// Blocks of 1 to 64 items over 1 to 3 threads, with 1, 17 and 33 label columns (one, two
    /// and three words of labels), give the row-by-row counters and sample counts exactly; a
    /// label code of 3 or a negative order refuses.
    #[test]
    fn blocks_and_threads_give_the_row_by_row_counts() {
        let mut rng = SplitMix64::new(23);
        let (rows, items) = (3_000, 257);
        let item_of: Vec<u32> = (0..rows).map(|_| rng.below(items) as u32).collect();
        let order = Int64Chunked::from_iter_options(
            "o".into(),
            (0..rows).map(|_| (rng.below(9) > 0).then(|| rng.below(40) as i64)),
        );
        for m in [1, 17, 33] {
            let labels: Vec<Int8Chunked> = (0..m)
                .map(|c| {
                    let values =
                        (0..rows).map(|_| if rng.below(4) > 0 { rng.below(2) as i8 } else { INVALID });
                    Int8Chunked::from_iter_values(format!("l{c}").into(), values)
                })
                .collect();
            let expected = row_by_row(&labels, &order, &item_of, items);
            for (shift, threads) in [(0, 1), (3, 2), (6, 3), (12, 2)] {
                let split = Split { shift, threads };
                let got = LabelSums::add(&labels, &order, &item_of, items, true, split).expect("pass");
                assert_eq!(got.counters, expected.counters, "{m} columns, {split:?}");
                assert_eq!(got.samples, expected.samples, "{m} columns, {split:?}");
            }
            assert!(expected.counters.iter().any(|c| c.k > 1 && c.s > 0 && c.first != NO_KEY));
        }
        let split = Split { shift: 3, threads: 2 };
        let two = vec![Int8Chunked::from_vec("l".into(), vec![0, 3, 1])];
        let ok_order = Int64Chunked::from_vec("o".into(), vec![0, 1, 2]);
        assert!(LabelSums::add(&two, &ok_order, &[0, 1, 2], 3, false, split).is_none());
        let one = vec![Int8Chunked::from_vec("l".into(), vec![0, 1, 1])];
        let negative = Int64Chunked::from_vec("o".into(), vec![0, -1, 2]);
        assert!(LabelSums::add(&one, &negative, &[0, 1, 2], 3, false, split).is_none());
        assert!(LabelSums::add(&one, &ok_order, &[0, 1, 2], 3, false, split).is_some());
    }
}
