//! Counterfactual pairs (`--pair`) reduced to their joint tables: by one more query after the
//! pass ([`tables`]), or inside the positional pass when only the baseline names the pairs
//! ([`in_pass`]).

pub(crate) mod in_pass;
pub(crate) mod tables;
