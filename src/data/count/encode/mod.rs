//! Label codes as integers: each side's labels packed into keys ([`keys`]), the cell tables
//! rows are counted into ([`cells`]), and the joint rows decoded into the counts table
//! ([`decode`]).

pub(crate) mod cells;
pub(crate) mod decode;
pub(crate) mod keys;
