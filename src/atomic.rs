//! Atomic file output: write to a temporary file beside the target, then rename over it, so a
//! failed run never leaves a partial file behind.

use crate::error::{AmplifyError, Result};
use std::io::Write;
use std::path::Path;

/// Writes `path` atomically: `fill` writes into a temporary file in the same directory, which is
/// renamed to `path` only if `fill` and the flush succeed; otherwise it is deleted.
pub(crate) fn write_atomically<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut std::fs::File) -> Result<()>,
{
    let write_err = |source: std::io::Error| AmplifyError::Write { path: path.to_path_buf(), source };
    let dir = check_target(path)?;
    let mut tmp = tempfile::Builder::new().prefix(".amplify-").tempfile_in(dir).map_err(write_err)?;
    fill(tmp.as_file_mut())?;
    set_readable(tmp.as_file()).map_err(write_err)?;
    tmp.as_file_mut().flush().and_then(|_| tmp.as_file().sync_all()).map_err(write_err)?;
    tmp.persist(path).map_err(|e| write_err(e.error))?;
    Ok(())
}

/// Checks that `path` can be written atomically (not a directory, its directory exists) and
/// returns that directory; commands with costly work call it before starting.
pub(crate) fn check_target(path: &Path) -> Result<&Path> {
    let write_err = |reason: String| AmplifyError::Output { path: path.to_path_buf(), reason };
    if path.is_dir() {
        return Err(write_err("it is a directory; give a file name".into()));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(write_err(format!("directory {} does not exist; create it first", dir.display())));
    }
    Ok(dir)
}

/// Writes bytes atomically (see [`write_atomically`]).
pub(crate) fn write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically(path, |file| {
        file.write_all(bytes).map_err(|source| AmplifyError::Write { path: path.to_path_buf(), source })
    })
}

/// Temporary files are created private (0600); outputs get the usual 0644.
#[cfg(unix)]
fn set_readable(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_readable(_file: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}
