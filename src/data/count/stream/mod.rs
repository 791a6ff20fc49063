//! The streaming counting pass shared by the positional strategy and the baseline's side of the
//! join: the columns a pass reads ([`columns`]), the pass state and sink ([`pass`]), and rows
//! paired by position ([`positional`]).

pub(crate) mod columns;
pub(crate) mod pass;
pub(crate) mod positional;
