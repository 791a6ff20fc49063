//! Counterfactual pairs (`--pair`) reduced to their joint tables: in the id index's passes
//! whichever files name them ([`by_slot`]), in the positional pass when only the baseline names
//! them ([`in_pass`]), else by one more query after the pass ([`tables`], also the path that words
//! an item placed differently by two files). The passes number pair ids ([`pair_ids`]) and keep
//! their items' keys per pair ([`per_pair`]).

pub(crate) mod by_slot;
pub(crate) mod in_pass;
pub(crate) mod pair_ids;
pub(crate) mod per_pair;
pub(crate) mod tables;
#[cfg(test)]
mod tests;
