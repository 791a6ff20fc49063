//! Where amplify writes a file output (`-o`), and how, so that it never destroys what it did not
//! write:
//!
//! - `-` is standard output;
//! - a regular file (or a new path) is written to a temporary file beside it and renamed over it
//!   only when complete, so a failed run never leaves a partial file;
//! - a symbolic link is followed, and its target is replaced that way (the link stays);
//! - a FIFO, a character or block device, a socket, or any path under `/dev/` is written to
//!   directly (no rename could replace it);
//! - a directory, or a file that is one of the run's inputs, is refused ([`refuse_inputs`]).
//!
//! Writes to standard output go through [`write_stdout`]: a reader that went away ends the run
//! quietly ([`AmplifyError::BrokenPipe`]), any other error is reported.

use crate::error::{AmplifyError, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// How an output path is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// Standard output (`-`).
    Stdout,
    /// Opened and written in place: a FIFO, a device, a socket.
    Direct(PathBuf),
    /// A regular file (existing or new), replaced atomically; symbolic links already followed.
    Replace(PathBuf),
}

/// Decides how `path` is written; refuses a directory, a dangling link, a missing directory.
pub(crate) fn resolve(path: &Path) -> Result<Target> {
    let refuse = |reason: String| AmplifyError::Output { path: path.to_path_buf(), reason };
    if path.as_os_str() == "-" {
        return Ok(Target::Stdout);
    }
    if path.starts_with("/dev/") {
        return Ok(Target::Direct(path.to_path_buf()));
    }
    let Ok(link) = std::fs::symlink_metadata(path) else {
        check_parent(path)?;
        return Ok(Target::Replace(path.to_path_buf()));
    };
    let resolved = if link.file_type().is_symlink() {
        std::fs::canonicalize(path)
            .map_err(|_| refuse("it is a symbolic link to nothing; remove it or give another path".into()))?
    } else {
        path.to_path_buf()
    };
    let meta = std::fs::metadata(&resolved)
        .map_err(|source| AmplifyError::Write { path: path.to_path_buf(), source })?;
    if meta.is_dir() {
        return Err(refuse("it is a directory; give a file name".into()));
    }
    if meta.is_file() {
        Ok(Target::Replace(resolved))
    } else {
        Ok(Target::Direct(resolved))
    }
}

/// The directory of a new output file must exist.
fn check_parent(path: &Path) -> Result<&Path> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        let reason = if dir.exists() {
            format!("{} is a file, not a directory; give a path in a directory", dir.display())
        } else {
            format!("directory {} does not exist; create it first", dir.display())
        };
        return Err(AmplifyError::Output { path: path.to_path_buf(), reason });
    }
    Ok(dir)
}

/// Checks `path` before costly work: it can be written ([`resolve`]) and is none of `inputs`.
pub(crate) fn check_target(path: &Path, inputs: &[PathBuf]) -> Result<Target> {
    let target = resolve(path)?;
    refuse_inputs(path, inputs)?;
    Ok(target)
}

/// The inputs as files and folders: each glob pattern (`d/m*.parquet`) adds the paths it matches,
/// so the checks that an output is not an input see what the run will read, not what was typed.
pub(crate) fn expand_globs(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for input in inputs {
        out.push(input.clone());
        let text = input.to_string_lossy();
        if text.contains(['*', '?', '[']) {
            if let Ok(paths) = glob::glob(&text) {
                out.extend(paths.flatten());
            }
        }
    }
    out
}

/// Refuses an output that is one of the inputs (same device and inode, so links, `./` and `..`
/// spellings are caught, and every file a glob input matches) or lies inside an input directory.
pub(crate) fn refuse_inputs(output: &Path, inputs: &[PathBuf]) -> Result<()> {
    if output.as_os_str() == "-" {
        return Ok(());
    }
    let inputs = &expand_globs(inputs);
    let Ok(out_meta) = std::fs::metadata(output) else {
        // A new file can only clash with an input directory it would be created in.
        return refuse_inside_dirs(output, inputs);
    };
    for input in inputs {
        if let Ok(meta) = std::fs::metadata(input) {
            if same_file(&out_meta, &meta) {
                return Err(AmplifyError::Usage(format!(
                    "-o {}: that is the input {}; amplify never overwrites an input, give another output path",
                    output.display(),
                    input.display()
                )));
            }
        }
    }
    refuse_inside_dirs(output, inputs)
}

fn refuse_inside_dirs(output: &Path, inputs: &[PathBuf]) -> Result<()> {
    for dir in inputs.iter().filter(|p| p.is_dir()) {
        if inside(output, dir) {
            return Err(AmplifyError::Usage(format!(
                "-o {}: it is inside the input directory {}, whose files are all read as input; write it elsewhere",
                output.display(),
                dir.display()
            )));
        }
    }
    Ok(())
}

/// Whether `path` (which may not exist yet) lies in the directory `dir`.
pub(crate) fn inside(path: &Path, dir: &Path) -> bool {
    let Ok(dir) = std::fs::canonicalize(dir) else { return false };
    let mut existing = path.to_path_buf();
    let mut rest = Vec::new();
    while std::fs::symlink_metadata(&existing).is_err() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing =
                    if parent.as_os_str().is_empty() { PathBuf::from(".") } else { parent.to_path_buf() };
            }
            _ => return false,
        }
    }
    std::fs::canonicalize(&existing)
        .is_ok_and(|p| rest.iter().rev().fold(p, |p, n| p.join(n)).starts_with(&dir))
}

/// `path` with its directory made canonical (the file itself may not exist yet).
pub(crate) fn absolute_parent(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::canonicalize(dir).ok().map(|d| d.join(name))
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_a: &std::fs::Metadata, _b: &std::fs::Metadata) -> bool {
    false
}

/// Writes an output as [`resolve`] decides; `fill` writes the bytes.
pub(crate) fn write_atomically<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> Result<()>,
{
    match resolve(path)? {
        Target::Stdout => {
            let mut buffer = Vec::new();
            fill(&mut buffer)?;
            write_stdout(&buffer)
        }
        Target::Direct(device) => {
            let io = |source| AmplifyError::Write { path: path.to_path_buf(), source };
            let mut file = std::fs::OpenOptions::new().write(true).open(&device).map_err(io)?;
            fill(&mut file)?;
            file.flush().map_err(io)
        }
        Target::Replace(file) => replace(&file, fill),
    }
}

/// Writes `path` through a temporary file in the same directory, renamed over `path` only if
/// `fill` and the flush succeed; otherwise the temporary file is deleted.
fn replace<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> Result<()>,
{
    let write_err = |source: std::io::Error| AmplifyError::Write { path: path.to_path_buf(), source };
    let dir = check_parent(path)?;
    let mut tmp = tempfile::Builder::new().prefix(".amplify-").tempfile_in(dir).map_err(write_err)?;
    fill(tmp.as_file_mut())?;
    set_readable(tmp.as_file()).map_err(write_err)?;
    tmp.as_file_mut().flush().and_then(|_| tmp.as_file().sync_all()).map_err(write_err)?;
    crate::run_scope::check_cancelled()?;
    tmp.persist(path).map_err(|e| write_err(e.error))?;
    Ok(())
}

/// Writes bytes to `path` (see [`write_atomically`]).
pub(crate) fn write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically(path, |out| {
        out.write_all(bytes).map_err(|source| AmplifyError::Write { path: path.to_path_buf(), source })
    })
}

/// Writes bytes to standard output: a closed pipe is [`AmplifyError::BrokenPipe`] (the command
/// line ends quietly with status 0), any other error a write error.
pub(crate) fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).and_then(|_| out.flush()).map_err(|source| match source.kind() {
        std::io::ErrorKind::BrokenPipe => AmplifyError::BrokenPipe,
        _ => AmplifyError::Write { path: PathBuf::from("standard output"), source },
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_by_kind() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("a.txt");
        assert_eq!(resolve(Path::new("-")).ok(), Some(Target::Stdout));
        assert_eq!(resolve(&file).ok(), Some(Target::Replace(file.clone())));
        std::fs::write(&file, "x").expect("write");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&file, &link).expect("symlink");
        let real = std::fs::canonicalize(&file).expect("canonical");
        assert_eq!(resolve(&link).ok(), Some(Target::Replace(real)), "links are followed");
        assert!(matches!(resolve(Path::new("/dev/null")), Ok(Target::Direct(_))));
        assert!(resolve(dir.path()).is_err(), "a directory is refused");
        assert!(resolve(&dir.path().join("no/such/dir/x")).is_err());
    }

    #[test]
    fn outputs_that_are_inputs_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = dir.path().join("m.parquet");
        std::fs::write(&input, "x").expect("write");
        let spelled = dir.path().join(".").join("m.parquet");
        assert!(refuse_inputs(&spelled, std::slice::from_ref(&input)).is_err());
        let hard = dir.path().join("hard");
        std::fs::hard_link(&input, &hard).expect("link");
        assert!(refuse_inputs(&hard, std::slice::from_ref(&input)).is_err(), "hard link");
        assert!(refuse_inputs(&dir.path().join("new.csv"), &[dir.path().to_path_buf()]).is_err(), "inside");
        assert!(refuse_inputs(&dir.path().join("new.csv"), &[input]).is_ok());
    }
}
