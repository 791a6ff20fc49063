//! Rows paired by an id index instead of a join: the index itself ([`id_index`]) over an
//! open-addressing table ([`open_table`]), the baseline's pass that builds it
//! ([`baseline_pass`]) every model's rows streamed past it ([`model_pass`]), and what the first leaves for
//! the second: the baseline by slot ([`slots`]).

pub(crate) mod baseline_pass;
pub(crate) mod id_index;
pub(crate) mod model_pass;
pub(crate) mod open_table;
pub(crate) mod slots;
