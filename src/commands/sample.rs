//! `amplify sample`: writes the seeded sample data set.

use crate::cli::SampleArgs;
use crate::error::AmplifyError;
use anyhow::Result;

/// Runs `sample`.
pub fn run(args: &SampleArgs) -> Result<()> {
    if args.items < 10 {
        return Err(AmplifyError::InvalidArgument("--items must be at least 10".into()).into());
    }
    let tables = crate::sample::generate(args.items, args.seed);
    let paths = crate::data::sample_io::write_tables(&tables, &args.out)?;
    for path in paths {
        eprintln!("amplify: wrote {}", path.display());
    }
    Ok(())
}
