//! The other models counted against BASE from the keys the main count kept ([`ItemKeys`]): per
//! item the baseline file gave (its truth and levels), BASE's key takes the baseline's place in
//! the cell, `(truth · side + BASE) · side + model`, exactly as a pass with BASE as the baseline
//! would count it; BASE's own tables (its labels against the truth) and each grouping's unplaced
//! items come from the items BASE has. The items are split in ranges over the cores, each range
//! counted into every source's tables at once, and the ranges' tables added.

use super::item_keys::ItemKeys;
use crate::counts::GroupingCounts;
use crate::data::count::encode::cells::{slot_rows, CellLayout, CellTable};
use crate::data::count::encode::decode::JointTables;
use crate::data::input::Dataset;

/// Items counted per batch (the cell tables count slices of rows).
const BATCH: usize = 1 << 14;
/// Fewest items worth a thread of their own.
const MIN_RANGE: usize = 1 << 18;

/// The counts of the other models against BASE.
pub(super) struct Tally {
    /// Joint rows of each model in `others` (against BASE) and BASE's own against the truth.
    pub tables: JointTables,
    /// Each grouping's unplaced items among BASE's.
    pub groupings: Vec<GroupingCounts>,
    /// The levels each grouping has among BASE's items.
    pub levels: Vec<usize>,
    /// Items of the baseline file that BASE has.
    pub base_items: u64,
    /// Items each model in `others` shares with BASE.
    pub matched: Vec<u64>,
}

/// One source's keys: BASE's own (`None`: key 0, against the truth) or a model's. A model's
/// label on a metric BASE lacks is kept as it is: such a metric is compared for no model, so no
/// count read from the tables depends on it.
type Source<'a> = Option<&'a [i32]>;

/// What one range counted: per source (BASE first, then `others`) its tables and items, and
/// among BASE's items the level codes seen and the ambiguous items per grouping.
struct Counted {
    tables: Vec<Vec<CellTable>>,
    items: Vec<u64>,
    seen: Vec<Vec<bool>>,
    ambiguous: Vec<u64>,
}

/// Counts each model in `others` (indices into `data.models`) against model `base`, and BASE
/// against the truth; `None` when an index falls outside a table (inconsistent keys).
pub(super) fn tally(
    data: &Dataset,
    items: &ItemKeys,
    layout: CellLayout,
    base: usize,
    others: &[usize],
) -> Option<Tally> {
    let base_keys = items.keys.get(base)?.as_deref()?;
    let mut sources: Vec<Source> = vec![None];
    for &j in others {
        sources.push(Some(items.keys.get(j)?.as_deref()?));
    }
    let n = items.len();
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let parts = cores.min(n.div_ceil(MIN_RANGE)).max(1);
    let size = n.div_ceil(parts);
    let (sources, base_keys) = (&sources, base_keys);
    let ranges: Vec<Option<Counted>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..parts)
            .map(|p| {
                let range = (p * size).min(n)..((p + 1) * size).min(n);
                scope.spawn(move || count(items, layout, base_keys, sources, range))
            })
            .collect();
        workers.into_iter().map(|w| w.join().ok().flatten()).collect()
    });
    let mut ranges = ranges.into_iter();
    let mut total = ranges.next()??;
    for range in ranges {
        total.add(range?);
    }
    Some(finish(data, items, total))
}

/// The tally from the summed counts.
fn finish(data: &Dataset, items: &ItemKeys, counted: Counted) -> Tally {
    let Counted { tables, items: counts, seen, ambiguous } = counted;
    let mut tables = tables.into_iter();
    let base = tables.next().unwrap_or_default();
    let models = tables.map(|t| slot_rows(&t, &items.level_names, true)).collect();
    let baseline = if data.has_truth { slot_rows(&base, &items.level_names, false) } else { Vec::new() };
    let groupings = data
        .groupings
        .iter()
        .enumerate()
        .map(|(g, spec)| {
            let outside = base.get(g).map_or(0, CellTable::outside);
            let ambiguous = ambiguous[g];
            GroupingCounts { group_by: spec.name(), unassigned: outside.saturating_sub(ambiguous), ambiguous }
        })
        .collect();
    Tally {
        tables: JointTables { models, baseline },
        groupings,
        levels: seen.iter().map(|s| s.iter().skip(1).filter(|&&x| x).count()).collect(),
        base_items: counts[0],
        matched: counts[1..].to_vec(),
    }
}

impl Counted {
    /// Empty tables for every source, sized for every level.
    fn new(items: &ItemKeys, layout: CellLayout, sources: usize) -> Self {
        let groupings = items.groupings();
        let slots = |g: usize| items.level_names.get(g).map_or(1, |n| n.len() + 1);
        let tables = (0..sources)
            .map(|_| {
                let mut tables: Vec<CellTable> =
                    (0..groupings.max(1)).map(|_| CellTable::new(layout)).collect();
                for (g, table) in tables.iter_mut().enumerate().take(groupings) {
                    table.ensure_slots(slots(g) as u64);
                }
                tables
            })
            .collect();
        Self {
            tables,
            items: vec![0; sources],
            seen: (0..groupings).map(|g| vec![false; slots(g)]).collect(),
            ambiguous: vec![0; groupings],
        }
    }

    /// Adds another range's counts.
    fn add(&mut self, other: Counted) {
        for (mine, theirs) in self.tables.iter_mut().zip(other.tables) {
            for (table, counts) in mine.iter_mut().zip(theirs) {
                table.absorb(&counts);
            }
        }
        self.items.iter_mut().zip(other.items).for_each(|(a, b)| *a += b);
        for (mine, theirs) in self.seen.iter_mut().zip(other.seen) {
            mine.iter_mut().zip(theirs).for_each(|(a, b)| *a |= b);
        }
        self.ambiguous.iter_mut().zip(other.ambiguous).for_each(|(a, b)| *a += b);
    }
}

/// Counts the items in `range` for every source: each item BASE has, in the cell BASE's key
/// gives it, for BASE against the truth and for each model that has the item too.
fn count(
    items: &ItemKeys,
    layout: CellLayout,
    base_keys: &[i32],
    sources: &[Source],
    range: std::ops::Range<usize>,
) -> Option<Counted> {
    let mut out = Counted::new(items, layout, sources.len());
    let groupings = items.groupings();
    let side = layout.side() as i64;
    let mut record = vec![0u32; groupings];
    let mut tb = Vec::with_capacity(BATCH);
    let mut codes = vec![Vec::with_capacity(BATCH); groupings];
    let mut keys = vec![Vec::with_capacity(BATCH); sources.len()];
    for start in range.clone().step_by(BATCH) {
        tb.clear();
        codes.iter_mut().for_each(Vec::clear);
        keys.iter_mut().for_each(Vec::clear);
        let end = (start + BATCH).min(range.end);
        for (s, &b) in (start..end).zip(&base_keys[start..end]) {
            let (value, b) = (items.record(s, &mut record), i64::from(b));
            if value < 0 || b < 0 {
                continue;
            }
            tb.push((value / (side * side) * side + b) * side);
            for (g, (batch, &code)) in codes.iter_mut().zip(&record).enumerate() {
                batch.push(code);
                if let Some(seen) = out.seen[g].get_mut(code as usize) {
                    *seen = true;
                }
                out.ambiguous[g] += u64::from(items.ambiguous[g].get(s).copied().unwrap_or(false));
            }
            for (batch, source) in keys.iter_mut().zip(sources) {
                batch.push(model_key(source, s));
            }
        }
        for ((tables, batch), counted) in out.tables.iter_mut().zip(&keys).zip(&mut out.items) {
            *counted += batch.iter().filter(|&&k| k >= 0).count() as u64;
            for (t, table) in tables.iter_mut().enumerate() {
                if !table.add(codes.get(t).map(Vec::as_slice), &tb, batch) {
                    return None;
                }
            }
        }
    }
    Some(out)
}

/// Item s's key of the source (−1: none); 0 for BASE itself against the truth.
#[inline(always)]
fn model_key(source: &Source, s: usize) -> i64 {
    source.map_or(0, |keys| i64::from(keys[s]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::count::versus::item_keys::Records;
    use crate::rng::SplitMix64;

    /// The tables of every source as joint rows, for comparing counts.
    fn rows(counted: &Counted, names: &[Vec<String>]) -> Vec<String> {
        counted.tables.iter().map(|t| format!("{:?}", slot_rows(t, names, true))).collect()
    }

    #[test]
    fn ranges_counted_apart_and_added_equal_one_range() {
        let (n, layout) = (5_000, CellLayout::new(2, 4).expect("layout"));
        let side = layout.side() as i64;
        let mut rng = SplitMix64::new(17);
        let mut draw = |below: usize| rng.below(below) as i64;
        let tb: Vec<i64> =
            (0..n).map(|_| if draw(10) == 0 { -1 } else { (draw(3) * side + draw(9)) * side }).collect();
        let codes = vec![(0..n).map(|_| draw(3) as u32).collect::<Vec<u32>>()];
        let key = |d: &mut dyn FnMut(usize) -> i64| if d(5) == 0 { -1 } else { d(9) as i32 as i64 };
        let keys: Vec<Option<Vec<i32>>> =
            (0..3).map(|_| Some((0..n).map(|_| key(&mut draw) as i32).collect())).collect();
        let items = ItemKeys {
            records: Records::ByRow { tb, codes },
            keys,
            ambiguous: vec![(0..n).map(|s| s % 7 == 0).collect()],
            level_names: vec![vec!["a".into(), "b".into()]],
        };
        let base = items.keys[0].as_deref().expect("base keys");
        let sources: Vec<Source> = vec![None, Some(items.keys[1].as_deref().expect("keys"))];
        let whole = count(&items, layout, base, &sources, 0..n).expect("one range");
        let mut parts = count(&items, layout, base, &sources, 0..1_234).expect("first");
        for range in [1_234..1_235, 1_235..4_000, 4_000..n] {
            parts.add(count(&items, layout, base, &sources, range).expect("range"));
        }
        assert_eq!(rows(&parts, &items.level_names), rows(&whole, &items.level_names));
        assert_eq!(
            (&parts.items, &parts.ambiguous, &parts.seen),
            (&whole.items, &whole.ambiguous, &whole.seen)
        );
        assert!(whole.items[0] > 3_000 && whole.items[1] < whole.items[0], "{:?}", whole.items);
    }
}
