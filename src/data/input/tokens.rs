//! Response text → word tokens, the one tokenisation `amplify words` uses (docs/METHODS.md,
//! "Marked words"): the mask removed first, then Unicode word segmentation (UAX #29), lower case,
//! the typographic apostrophe read as `'`, and only tokens of letters kept (apostrophes inside a
//! word, as in "don't", stay; digits, punctuation and emoji go), stop words left out. Each word is
//! read in NFC first, so a composed and a decomposed "café" are one word.

use crate::error::{AmplifyError, Result};
use regex::Regex;
use std::collections::HashSet;
use std::path::Path;
use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
use unicode_segmentation::UnicodeSegmentation;

/// How a text becomes tokens.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tokenizer {
    /// Removed from the text (case-insensitive) before it is split (`--mask`).
    mask: Option<Regex>,
    /// Tokens left out after lower-casing (`--stopwords`).
    stopwords: HashSet<String>,
}

impl Tokenizer {
    /// A tokenizer with an optional mask (checked to compile) and stop words.
    pub(crate) fn new(mask: Option<&str>, stopwords: HashSet<String>) -> Result<Self> {
        let mask = match mask {
            None => None,
            Some(m) => Some(Regex::new(&format!("(?i){m}")).map_err(|e| {
                AmplifyError::Usage(format!(
                    "--mask '{}' does not compile: {}",
                    crate::escape::printable(m, 80),
                    e.to_string().lines().last().unwrap_or("").trim()
                ))
            })?),
        };
        Ok(Self { mask, stopwords })
    }

    /// Calls `f` with every token of `text`, in order.
    pub(crate) fn for_each(&self, text: &str, mut f: impl FnMut(&str)) {
        let masked;
        let text = match &self.mask {
            Some(re) if re.is_match(text) => {
                masked = re.replace_all(text, " ");
                masked.as_ref()
            }
            _ => text,
        };
        let mut buffer = String::new();
        for word in text.unicode_words() {
            if let Some(token) = normalise(word, &mut buffer) {
                if !self.stopwords.contains(token) {
                    f(token);
                }
            }
        }
    }

    /// The tokens of `text` as owned strings (tests, examples).
    #[cfg(test)]
    pub(crate) fn tokens(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.for_each(text, |t| out.push(t.to_string()));
        out
    }
}

/// A word in NFC, lower-cased, with `’` as `'` and apostrophes trimmed from its ends; `None`
/// unless it is letters (and their combining marks) with apostrophes only inside.
fn normalise<'a>(word: &str, buffer: &'a mut String) -> Option<&'a str> {
    buffer.clear();
    if word.is_ascii() {
        // ASCII is its own NFC: letters and apostrophes only, lower-cased byte by byte.
        if !word.bytes().all(|b| b.is_ascii_alphabetic() || b == b'\'') {
            return None;
        }
        buffer.push_str(word);
        buffer.make_ascii_lowercase();
        let token = buffer.trim_matches('\'');
        return (!token.is_empty()).then_some(token);
    }
    for c in word.nfc() {
        match c {
            '\'' | '\u{2019}' => buffer.push('\''),
            c if c.is_alphabetic() => buffer.extend(c.to_lowercase()),
            c if is_combining_mark(c) && !buffer.is_empty() => buffer.push(c),
            _ => return None,
        }
    }
    let token = buffer.trim_matches('\'');
    (!token.is_empty()).then_some(token)
}

/// Reads a stop-word file: one word per line, lower-cased; blank lines and lines starting with
/// `#` are skipped. A line holding several words is refused (a stop word is one token).
pub(crate) fn read_stopwords(path: &Path) -> Result<HashSet<String>> {
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => AmplifyError::FileNotFound { path: path.to_path_buf() },
        _ => AmplifyError::Data(format!("{}: cannot read the stop words: {e}", path.display())),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        AmplifyError::Data(format!(
            "{}: the stop words are not UTF-8 (byte {}); save the file as UTF-8 text, one word per line",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })?;
    let plain = Tokenizer::default();
    let mut words = HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut tokens = Vec::new();
        plain.for_each(line, |t| tokens.push(t.to_string()));
        if tokens.len() > 1 {
            return Err(AmplifyError::Data(format!(
                "{}: line {} ('{}') is {} words; a stop-word file holds one word per line",
                path.display(),
                i + 1,
                crate::escape::printable(line, 60),
                tokens.len()
            )));
        }
        words.extend(tokens);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Vec<String> {
        Tokenizer::default().tokens(text)
    }

    #[test]
    fn words_are_lower_case_letters_with_inner_apostrophes() {
        assert_eq!(plain("You're NOT the problem, OK?"), ["you're", "not", "the", "problem", "ok"]);
        assert_eq!(plain("Don’t 'quote' me"), ["don't", "quote", "me"], "typographic apostrophe as '");
        assert_eq!(plain("in 2024 I paid $30 (2nd time) 🙂"), ["in", "i", "paid", "time"]);
        assert_eq!(plain("e-mail co-worker"), ["e", "mail", "co", "worker"], "UAX #29 splits hyphens");
        assert_eq!(plain("Straße ÉCOLE naïve"), ["straße", "école", "naïve"]);
        assert_eq!(plain("cafe\u{301} caf\u{e9}"), ["caf\u{e9}", "caf\u{e9}"], "NFD and NFC are one word");
        assert_eq!(
            plain("\u{928}\u{92e}\u{938}\u{94d}\u{924}\u{947}"),
            ["\u{928}\u{92e}\u{938}\u{94d}\u{924}\u{947}"],
            "Devanagari vowel signs stay"
        );
        assert!(plain("").is_empty());
        assert!(plain("... !!! 42 -- ''").is_empty());
    }

    #[test]
    fn mask_removes_spans_before_splitting_and_stopwords_after_lowercasing() {
        let stop: HashSet<String> = ["the".to_string()].into();
        let t = Tokenizer::new(Some(r"\b(my )?(wife|best friend)\b"), stop).expect("compiles");
        assert_eq!(t.tokens("The WIFE and my best friend left the party"), ["and", "left", "party"]);
        assert!(Tokenizer::new(Some("(unclosed"), HashSet::new()).is_err());
    }

    #[test]
    fn stopword_file_one_word_per_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("stop.txt");
        std::fs::write(&path, "# common words\nThe\n\n  and \nDon’t\n").expect("write");
        let words = read_stopwords(&path).expect("reads");
        let mut sorted: Vec<_> = words.into_iter().collect();
        sorted.sort();
        assert_eq!(sorted, ["and", "don't", "the"]);
        std::fs::write(&path, "the\nnot a word\n").expect("write");
        let err = read_stopwords(&path).expect_err("two words on a line").to_string();
        assert!(err.contains("line 2") && err.contains("3 words"), "{err}");
        std::fs::write(&path, b"the\n\xff\n").expect("write");
        assert!(read_stopwords(&path).expect_err("not UTF-8").to_string().contains("not UTF-8"));
    }
}
