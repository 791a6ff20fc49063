//! File formats amplify reads and writes besides the inputs: the counts table ([`counts`]), the
//! items and judgements of `amplify judge` ([`judge`]), plain tables as Parquet ([`plain_tables`]), and
//! what `amplify inspect` shows of a file or a folder of logs ([`inspect`]).

pub(crate) mod audit;
pub mod counts;
pub(crate) mod inspect;
pub(crate) mod judge;
pub(crate) mod plain_tables;
