//! The files of a directory tree that inputs are read from (a multi-file table, a folder of logs).

use std::path::{Path, PathBuf};

/// Appends to `found` every file under `dir` that `keep` accepts, skipping hidden and
/// `_`-prefixed entries. Symlinked directories are not entered (a link to `..` would loop);
/// symlinked files are read like files.
pub(crate) fn walk(
    dir: &Path,
    keep: &dyn Fn(&Path) -> bool,
    found: &mut Vec<PathBuf>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let hidden = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(['.', '_']));
        if hidden {
            continue;
        }
        if entry.file_type()?.is_dir() {
            walk(&path, keep, found)?;
        } else if path.is_file() && keep(&path) {
            found.push(path);
        }
    }
    Ok(())
}
