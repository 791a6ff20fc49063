//! Verdicts from free-text AITA answers, without an LLM (`amplify judge --verdict-from COL`).
//!
//! The rule, applied to each answer:
//! 1. Find the verdict tokens: YTA, NTA, ESH, NAH (any case) and INFO (upper case only, since
//!    "info" is an ordinary word), as whole words; the future forms YWBTA and YWNBTA count as YTA
//!    and NTA.
//! 2. The verdict is the first token.
//! 3. The answer is invalid when it holds no token, or when it holds tokens on both sides of the
//!    binary reading (YTA/ESH = at fault, NTA/NAH = not at fault), e.g. "NTA ... but YTA for ...".

use regex::Regex;
use std::sync::LazyLock;

static TOKENS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:(?i:(ywnbta|ywbta|yta|nta|esh|nah))|(INFO))\b")
        .unwrap_or_else(|_| unreachable!("the verdict token pattern is a valid regex"))
});

/// The verdict read from one answer, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TextVerdict {
    /// The first verdict token: YTA, NTA, ESH, NAH or INFO.
    Verdict(&'static str),
    /// No verdict token in the answer.
    Absent,
    /// Tokens on both sides, listed in order of first appearance.
    Contradictory(Vec<&'static str>),
}

impl TextVerdict {
    /// The reason an answer has no verdict, for the output's reason column.
    pub(crate) fn reason(&self) -> Option<String> {
        match self {
            TextVerdict::Verdict(_) => None,
            TextVerdict::Absent => Some("no verdict token (YTA/NTA/ESH/NAH/INFO)".into()),
            TextVerdict::Contradictory(tokens) => {
                Some(format!("contradictory verdicts: {}", tokens.join(", ")))
            }
        }
    }
}

fn canonical(token: &str) -> &'static str {
    match token.to_ascii_uppercase().as_str() {
        "YTA" | "YWBTA" => "YTA",
        "NTA" | "YWNBTA" => "NTA",
        "ESH" => "ESH",
        "NAH" => "NAH",
        _ => "INFO",
    }
}

/// Applies the rule in the module documentation to one answer.
pub(crate) fn extract(text: &str) -> TextVerdict {
    let mut seen: Vec<&'static str> = Vec::new();
    for captures in TOKENS.captures_iter(text) {
        let token = canonical(captures.get(0).map_or("", |m| m.as_str()));
        if !seen.contains(&token) {
            seen.push(token);
        }
    }
    let Some(first) = seen.first() else { return TextVerdict::Absent };
    let at_fault = seen.iter().any(|t| matches!(*t, "YTA" | "ESH"));
    let not_at_fault = seen.iter().any(|t| matches!(*t, "NTA" | "NAH"));
    if at_fault && not_at_fault {
        let sided = seen.into_iter().filter(|t| *t != "INFO").collect();
        return TextVerdict::Contradictory(sided);
    }
    TextVerdict::Verdict(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use TextVerdict::*;

    #[test]
    fn the_first_token_decides() {
        assert_eq!(extract("NTA. Your stepdad should clean up."), Verdict("NTA"));
        assert_eq!(extract("yta, honestly"), Verdict("YTA"));
        assert_eq!(extract("ESH here. Both of you were rude; YTA a little more."), Verdict("ESH"));
        assert_eq!(extract("YWNBTA if you tell him"), Verdict("NTA"));
        assert_eq!(extract("INFO: how old is she? Otherwise NTA"), Verdict("INFO"));
        assert_eq!(extract("Need more info before I say NAH."), Verdict("NAH"));
    }

    #[test]
    fn absent_and_contradictory_answers_are_invalid() {
        assert_eq!(extract("You are fine, do not worry."), Absent);
        assert_eq!(extract("SNTAX and NTAH are not tokens"), Absent);
        assert_eq!(extract("need more info"), Absent);
        assert_eq!(extract("NTA for the party, YTA for the texts"), Contradictory(vec!["NTA", "YTA"]));
        assert_eq!(extract("NAH ... ok ESH"), Contradictory(vec!["NAH", "ESH"]));
        assert!(Absent.reason().is_some() && Verdict("YTA").reason().is_none());
    }
}
