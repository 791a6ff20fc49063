//! A repeated run (`--sample`, `--repeated`, `--annotator`) counted at the item level: every
//! source reduced to one row per item and counted into exact item-level sums ([`items`]),
//! folded into slices ([`slices`]) and written as counts rows ([`rows`]), and the per-source
//! sums behind the instability measures ([`sums`]), with the polars helpers all use ([`query`]).

pub(crate) mod items;
mod matched;
pub(crate) mod query;
pub(crate) mod rows;
pub(crate) mod slices;
pub(crate) mod sums;
#[cfg(test)]
mod tests;
