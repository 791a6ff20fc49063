//! The judgement cache: an append-only JSON-lines file, one finished judgement per line.
//!
//! Each judgement is written with a single `write` of a whole line to a file opened for appending,
//! and the file is `fsync`ed every [`SYNC_EVERY`] judgements and at the end. A process killed at
//! any point leaves complete lines plus at most one torn line at the end, which [`Cache::open`]
//! cuts off; a key already present is never written again. An exclusive lock keeps two runs from
//! sharing one cache.

use super::error::JudgeError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Judgements between two `fsync`s.
pub const SYNC_EVERY: usize = 32;

/// One finished judgement (a valid or an invalid reply; failed requests are never cached).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Judgement {
    /// Cache key (see [`key`]).
    pub key: String,
    /// Behaviour name.
    pub behaviour: String,
    /// Rubric version the reply was made under.
    pub rubric_version: String,
    /// Judge model name.
    pub judge_model: String,
    /// 1/0, or `None` when the reply was not an accepted answer.
    pub value: Option<u8>,
    /// The judge's reply as received.
    pub raw: String,
    /// Prompt tokens, when the endpoint reported them.
    pub prompt_tokens: Option<u64>,
    /// Completion tokens, when the endpoint reported them.
    pub completion_tokens: Option<u64>,
}

/// The cache key: SHA-256 over the rubric version, behaviour, judge model and the item's prompt and
/// response, each length-prefixed so that no two different tuples share an encoding.
pub fn key(rubric_version: &str, behaviour: &str, judge_model: &str, prompt: &str, response: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [rubric_version, behaviour, judge_model, prompt, response] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a torn last line can be the start of a judgement record as [`Cache::append`] writes
/// it (serde writes the fields in order, `key` first): cut, it is what a killed run left; anything
/// else (a user's note without a newline, a binary file) means the file is not a cache.
fn is_record_prefix(tail: &[u8]) -> bool {
    const START: &[u8] = br#"{"key":""#;
    let n = tail.len().min(START.len());
    // A torn write may cut the last character in the middle; any other invalid UTF-8 is not ours.
    let text = std::str::from_utf8(tail).map_or_else(|e| e.error_len().is_none(), |_| true);
    tail[..n] == START[..n] && text
}

/// An open, locked cache.
#[derive(Debug)]
pub struct Cache {
    path: PathBuf,
    file: File,
    entries: HashMap<String, Judgement>,
    unsynced: usize,
    /// Bytes of a torn last line cut off when the cache was opened.
    pub torn_bytes: usize,
}

impl Cache {
    /// Opens (or creates) the cache, locks it, loads every complete line and cuts a torn tail.
    pub fn open(path: &Path) -> Result<Cache, JudgeError> {
        let err = |reason: String| JudgeError::Cache { path: path.to_path_buf(), reason };
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| err(format!("cannot open: {e}")))?;
        file.try_lock().map_err(|_| {
            err("another amplify judge run is using this cache; wait for it or pass another --cache".into())
        })?;
        let bytes = std::fs::read(path).map_err(|e| err(format!("cannot read: {e}")))?;
        let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        let mut entries = HashMap::new();
        for (n, line) in bytes[..complete].split(|&b| b == b'\n').enumerate() {
            if line.is_empty() {
                continue;
            }
            let judgement: Judgement = serde_json::from_slice(line).map_err(|e| {
                err(format!(
                    "line {} is not a judgement record ({e}); the file was edited or damaged: delete that \
                     line (or the file, to judge everything again)",
                    n + 1
                ))
            })?;
            entries.entry(judgement.key.clone()).or_insert(judgement);
        }
        let torn_bytes = bytes.len() - complete;
        if !is_record_prefix(&bytes[complete..]) {
            return Err(err(
                "it does not end in a judgement record or the start of one: it is not a cache amplify wrote; pass a new --cache path".into(),
            ));
        }
        if torn_bytes > 0 {
            file.set_len(complete as u64).map_err(|e| err(format!("cannot cut the torn last line: {e}")))?;
            file.sync_all().map_err(|e| err(e.to_string()))?;
        }
        file.flush().map_err(|e| err(e.to_string()))?;
        Ok(Cache { path: path.to_path_buf(), file, entries, unsynced: 0, torn_bytes })
    }

    /// The cached judgement for a key.
    pub fn get(&self, key: &str) -> Option<&Judgement> {
        self.entries.get(key)
    }

    /// Number of cached judgements.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The cache file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends a judgement (one `write` of one line); a key already cached is not written again.
    pub fn append(&mut self, judgement: Judgement) -> Result<(), JudgeError> {
        if self.entries.contains_key(&judgement.key) {
            return Ok(());
        }
        let mut line = serde_json::to_vec(&judgement).map_err(|e| self.error(e.to_string()))?;
        line.push(b'\n');
        self.file.write_all(&line).map_err(|e| self.error(format!("cannot append: {e}")))?;
        self.entries.insert(judgement.key.clone(), judgement);
        self.unsynced += 1;
        if self.unsynced >= SYNC_EVERY {
            self.sync()?;
        }
        Ok(())
    }

    /// Flushes appended judgements to disk (`fdatasync`).
    pub fn sync(&mut self) -> Result<(), JudgeError> {
        if self.unsynced > 0 {
            self.file.sync_data().map_err(|e| self.error(format!("cannot sync: {e}")))?;
            self.unsynced = 0;
        }
        Ok(())
    }

    fn error(&self, reason: String) -> JudgeError {
        JudgeError::Cache { path: self.path.clone(), reason }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judgement(key: &str, value: Option<u8>) -> Judgement {
        Judgement {
            key: key.into(),
            behaviour: "b".into(),
            rubric_version: "b/1".into(),
            judge_model: "m".into(),
            value,
            raw: format!("{value:?}"),
            prompt_tokens: Some(3),
            completion_tokens: None,
        }
    }

    #[test]
    fn keys_separate_fields() {
        assert_ne!(key("v", "b", "m", "ab", "c"), key("v", "b", "m", "a", "bc"));
        assert_ne!(key("v", "b", "m1", "p", "r"), key("v", "b", "m2", "p", "r"));
        assert_eq!(key("v", "b", "m", "p", "r").len(), 64);
    }

    #[test]
    fn reopening_keeps_entries_cuts_a_torn_tail_and_never_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.jsonl");
        {
            let mut cache = Cache::open(&path).unwrap();
            cache.append(judgement("k1", Some(1))).unwrap();
            cache.append(judgement("k2", None)).unwrap();
            cache.append(judgement("k1", Some(0))).unwrap();
            cache.sync().unwrap();
        }
        let mut bytes = std::fs::read(&path).unwrap();
        assert_eq!(bytes.iter().filter(|&&b| b == b'\n').count(), 2);
        bytes.extend_from_slice(b"{\"key\":\"k3\",\"behav");
        std::fs::write(&path, &bytes).unwrap();
        let cache = Cache::open(&path).unwrap();
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.torn_bytes, 18);
        assert_eq!(cache.get("k1").unwrap().value, Some(1));
        assert_eq!(cache.get("k2").unwrap().value, None);
        drop(cache);
        assert!(std::fs::read(&path).unwrap().ends_with(b"}\n"));
    }

    #[test]
    fn damaged_lines_and_concurrent_runs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.jsonl");
        let held = Cache::open(&path).unwrap();
        let err = Cache::open(&path).unwrap_err().to_string();
        assert!(err.contains("another amplify judge run"), "{err}");
        drop(held);
        std::fs::write(&path, "{\"key\":1}\n").unwrap();
        let err = Cache::open(&path).unwrap_err().to_string();
        assert!(err.contains("line 1 is not a judgement record"), "{err}");
    }
}
