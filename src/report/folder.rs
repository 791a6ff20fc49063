//! Output folders (`report --out`, `compare --charts`): amplify removes or replaces only files it
//! wrote. A folder is written only when it is absent, empty, or one amplify wrote before (it has
//! a manifest listing amplify's files); a folder holding anything else, the current directory
//! (or one of its parents), or a folder containing an input is refused before any work.
//!
//! The new contents are built in a temporary sibling folder first, so a failed run changes
//! nothing. A new or empty folder is then renamed into place; an earlier amplify folder gets the
//! new files one by one (each rename atomic), loses the files of its old manifest that the new
//! run did not write, and keeps every file its manifest does not list.

use crate::error::{AmplifyError, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The manifest: a first comment line, then one path per line, relative to the folder.
pub(crate) const MANIFEST: &str = ".amplify-manifest";
const HEADER: &str = "# Files amplify wrote in this folder; a new run replaces these and nothing else.";
/// Entries named in a refusal, at most.
const NAMED: usize = 5;

/// Checks that `dir` may be written as an amplify folder (see the module doc): `--charts` folders
/// hold only charts, `--out` folders whole reports, and neither may take the other's place.
pub(crate) fn check_folder(dir: &Path, flag: &str, inputs: &[PathBuf]) -> Result<()> {
    let usage = |reason: String| AmplifyError::Usage(format!("{flag} {}: {reason}", dir.display()));
    if dir.exists() && !dir.is_dir() {
        return Err(usage("it is a file; give a folder name".into()));
    }
    let inputs = crate::atomic::expand_globs(inputs);
    if let Some(input) = inputs.iter().filter(|i| i.is_dir()).find(|i| crate::atomic::inside(dir, i)) {
        return Err(usage(format!(
            "it is inside the input directory {}, whose files are all read as input; write it elsewhere",
            input.display()
        )));
    }
    let Ok(canonical) = std::fs::canonicalize(dir) else { return Ok(()) };
    if std::env::current_dir().is_ok_and(|cwd| cwd.starts_with(&canonical)) {
        return Err(usage(
            "it is the current directory or one of its parents; give a new folder, e.g. reports/NAME".into(),
        ));
    }
    for input in &inputs {
        if std::fs::canonicalize(input).is_ok_and(|p| p.starts_with(&canonical)) {
            return Err(usage(format!("it contains the input {}; write to another folder", input.display())));
        }
    }
    if canonical.join(MANIFEST).is_file() {
        let kind = if flag == "--charts" { Kind::Charts } else { Kind::Report };
        return match read_manifest(dir) {
            Some((found, _)) if found != kind => Err(usage(format!(
                "it holds {}; give {flag} a folder of its own",
                match found {
                    Kind::Report => "a report (amplify report --out)",
                    Kind::Charts => "charts only (compare --charts)",
                }
            ))),
            Some((_, listed)) => refuse_links(dir, listed.iter().map(String::as_str).chain(["charts/x"])),
            None => Ok(()),
        };
    }
    let entries = list_entries(dir)?;
    if entries.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = entries.iter().take(NAMED).map(String::as_str).collect();
    let more = if entries.len() > NAMED { format!(", … {} in all", entries.len()) } else { String::new() };
    Err(usage(format!(
        "the folder holds files amplify did not write ({}{more}); give an empty or new folder",
        shown.join(", ")
    )))
}

/// Refuses when a folder on the way to one of `names` (relative to `dir`) is a symbolic link:
/// amplify writes and removes files only inside the folder, never where a link points.
fn refuse_links<'a>(dir: &Path, names: impl Iterator<Item = &'a str>) -> Result<()> {
    for name in names {
        let mut path = dir.to_path_buf();
        let parts: Vec<_> = Path::new(name).components().collect();
        for part in &parts[..parts.len().saturating_sub(1)] {
            path.push(part);
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(AmplifyError::Output {
                    path: path.clone(),
                    reason: "it is a symbolic link inside an amplify folder; amplify writes only inside the folder: remove the link or give another folder".into(),
                });
            }
        }
    }
    Ok(())
}

fn list_entries(dir: &Path) -> Result<Vec<String>> {
    let io = |source| AmplifyError::Write { path: dir.to_path_buf(), source };
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        names.push(entry.map_err(io)?.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

/// Writes the folder `out` with `build` (which fills the folder it is given), as the module doc
/// says; `check_folder` must have passed.
pub(crate) fn replace_folder(out: &Path, build: impl FnOnce(&Path) -> Result<()>) -> Result<PathBuf> {
    let output = |reason: String| AmplifyError::Output { path: out.to_path_buf(), reason };
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .map_err(|e| output(format!("cannot create {}: {e}", parent.display())))?;
    // Dropped (and deleted) on every early return below.
    let staged = tempfile::Builder::new()
        .prefix(".amplify-tmp-")
        .tempdir_in(&parent)
        .map_err(|e| output(format!("cannot write in {}: {e}", parent.display())))?;
    build(staged.path())?;
    let written = files_under(staged.path(), Path::new(""))?;
    write_manifest(staged.path(), &written)?;
    crate::run_scope::check_cancelled()?;
    match read_manifest(out) {
        Some((_, previous)) => {
            refuse_links(out, written.iter().chain(&previous).map(String::as_str))?;
            merge_into(out, staged.path(), &written, &previous)?
        }
        None => {
            if out.is_dir() {
                // Empty (check_folder): replaced by the staged folder.
                std::fs::remove_dir(out)
                    .map_err(|source| AmplifyError::Write { path: out.to_path_buf(), source })?;
            }
            std::fs::rename(staged.path(), out)
                .map_err(|source| AmplifyError::Write { path: out.to_path_buf(), source })?;
        }
    }
    Ok(out.to_path_buf())
}

/// Moves the staged files into an earlier amplify folder and removes its stale files.
fn merge_into(
    out: &Path,
    staged: &Path,
    written: &BTreeSet<String>,
    previous: &BTreeSet<String>,
) -> Result<()> {
    let io = |path: PathBuf| move |source| AmplifyError::Write { path, source };
    for name in written.iter().map(String::as_str).chain([MANIFEST]) {
        let target = out.join(name);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(io(dir.to_path_buf()))?;
        }
        std::fs::rename(staged.join(name), &target).map_err(io(target.clone()))?;
    }
    for stale in previous.difference(written) {
        let path = out.join(stale);
        // Only a regular file amplify wrote is removed; a link put in its place stays.
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file()) {
            std::fs::remove_file(&path).map_err(io(path.clone()))?;
        }
    }
    Ok(())
}

/// Relative paths of every file under `dir`.
fn files_under(dir: &Path, prefix: &Path) -> Result<BTreeSet<String>> {
    let io = |source| AmplifyError::Write { path: dir.to_path_buf(), source };
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let relative = prefix.join(entry.file_name());
        if entry.file_type().map_err(io)?.is_dir() {
            out.extend(files_under(&entry.path(), &relative)?);
        } else {
            out.insert(relative.to_string_lossy().into_owned());
        }
    }
    Ok(out)
}

fn write_manifest(dir: &Path, files: &BTreeSet<String>) -> Result<()> {
    let text: String =
        std::iter::once(HEADER).chain(files.iter().map(String::as_str)).map(|l| format!("{l}\n")).collect();
    let path = dir.join(MANIFEST);
    std::fs::write(&path, text).map_err(|source| AmplifyError::Write { path, source })
}

/// What wrote an amplify folder: `report --out` (it has `index.html`) or `compare --charts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Report,
    Charts,
}

/// What wrote `dir` and the files it listed, if `dir` is an amplify folder. Entries that would
/// leave the folder (absolute, `..`) are ignored, so a edited manifest cannot make amplify delete
/// elsewhere.
fn read_manifest(dir: &Path) -> Option<(Kind, BTreeSet<String>)> {
    let text = std::fs::read_to_string(dir.join(MANIFEST)).ok()?;
    let safe = |line: &&str| {
        let p = Path::new(line);
        !line.is_empty()
            && !line.starts_with('#')
            && p.is_relative()
            && p.components().all(|c| matches!(c, std::path::Component::Normal(_)))
    };
    let files: BTreeSet<String> = text.lines().filter(safe).map(str::to_string).collect();
    let kind = if files.contains("index.html") { Kind::Report } else { Kind::Charts };
    Some((kind, files))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(files: &'static [&'static str]) -> impl FnOnce(&Path) -> Result<()> {
        move |dir: &Path| {
            for f in files {
                let path = dir.join(f);
                std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
                std::fs::write(path, "new").expect("write");
            }
            Ok(())
        }
    }

    #[test]
    fn earlier_folders_keep_unlisted_files_and_lose_stale_ones() {
        let root = tempfile::tempdir().expect("tempdir");
        let out = root.path().join("r");
        replace_folder(&out, build(&["index.html", "a.txt", "charts/x.svg"])).expect("first");
        std::fs::write(out.join("notes.md"), "mine").expect("user file");
        check_folder(&out, "--out", &[]).expect("an amplify folder");
        replace_folder(&out, build(&["index.html", "a.txt", "b.txt"])).expect("second");
        assert!(out.join("b.txt").is_file() && out.join("a.txt").is_file());
        assert!(!out.join("charts/x.svg").exists(), "stale file of the old manifest removed");
        assert_eq!(std::fs::read_to_string(out.join("notes.md")).ok().as_deref(), Some("mine"));
        let leftovers: Vec<_> = std::fs::read_dir(root.path()).expect("list").collect();
        assert_eq!(leftovers.len(), 1, "no temporary folder left");
    }

    #[test]
    fn foreign_folders_inputs_and_the_current_directory_are_refused() {
        let root = tempfile::tempdir().expect("tempdir");
        let foreign = root.path().join("f");
        std::fs::create_dir(&foreign).expect("mkdir");
        std::fs::write(foreign.join("data.parquet"), "x").expect("write");
        let err = check_folder(&foreign, "--out", &[]).expect_err("foreign").to_string();
        assert!(err.contains("data.parquet") && err.contains("did not write"), "{err}");
        let err = check_folder(root.path(), "--out", &[foreign.join("data.parquet")]).expect_err("input");
        assert!(err.to_string().contains("contains the input"), "{err}");
        assert!(check_folder(Path::new("."), "--out", &[]).is_err());
        assert!(check_folder(Path::new(".."), "--out", &[]).is_err());
        assert!(check_folder(&root.path().join("new"), "--out", &[]).is_ok());
    }

    #[test]
    fn a_manifest_cannot_point_outside_the_folder() {
        let root = tempfile::tempdir().expect("tempdir");
        let out = root.path().join("r");
        std::fs::create_dir(&out).expect("mkdir");
        std::fs::write(out.join(MANIFEST), "# x\n../victim\n/etc/passwd\nok.txt\n").expect("write");
        let (_, listed) = read_manifest(&out).expect("manifest");
        assert_eq!(listed.into_iter().collect::<Vec<_>>(), vec!["ok.txt".to_string()]);
    }

    #[test]
    fn links_inside_a_folder_and_the_other_kind_of_folder_are_refused() {
        let root = tempfile::tempdir().expect("tempdir");
        let (out, victim) = (root.path().join("r"), root.path().join("victim"));
        replace_folder(&out, build(&["index.html", "charts/x.svg"])).expect("first");
        std::fs::create_dir(&victim).expect("mkdir");
        std::fs::write(victim.join("x.svg"), "precious").expect("write");
        std::fs::remove_dir_all(out.join("charts")).expect("rm");
        std::os::unix::fs::symlink(&victim, out.join("charts")).expect("symlink");
        let err = check_folder(&out, "--out", &[]).expect_err("a link").to_string();
        assert!(err.contains("symbolic link"), "{err}");
        let err = replace_folder(&out, build(&["index.html"])).expect_err("a link").to_string();
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(victim.join("x.svg")).ok().as_deref(), Some("precious"));
        let err = check_folder(&out, "--charts", &[]).expect_err("a report").to_string();
        assert!(err.contains("holds a report"), "{err}");
    }
}
