//! `amplify sample`: writes the seeded sample data set.

use crate::cli::SampleArgs;
use crate::data::files::plain_tables::write_tables;
use anyhow::Result;

/// Runs `sample`.
pub(crate) fn run(args: &SampleArgs) -> Result<()> {
    let items = usize::try_from(args.items)?;
    let tables = crate::sample::generate(items, args.seed);
    let paths = write_tables(&tables, &args.out)?;
    for path in paths {
        note!("amplify: wrote {}", path.display());
    }
    Ok(())
}
