//! Data access, the only code that touches polars, in the order data flows through it:
//!
//! - [`input`]: opening files, directories and globs; the tidy, wide and long layouts; `--map`;
//!   metric selection; label coding; groupings; id checks → one normalised [`Dataset`].
//! - [`count`](mod@count): the [`Dataset`] reduced to the counts table (sufficient statistics), by one
//!   counting strategy chosen once (rows paired by position, by a join, or a polars group-by).
//! - [`files`]: file formats amplify reads and writes besides the inputs: the counts table,
//!   `judge` input and output, Parquet tables, `inspect`.
//!
//! [`columns`] names every internal column; [`engine`] runs the queries.

pub(crate) mod columns;
pub mod count;
pub(crate) mod engine;
pub mod files;
pub mod input;

pub use count::{count, Strategy};
pub use engine::Engine;
pub use input::{load_dataset, DataOptions, Dataset, FileInfo, InputSpec, Layout};
