//! AITA's verdicts in words — the subreddit's flairs ("Not the A-hole", "Everyone Sucks") and the
//! phrases published files use — read as their codes (YTA, NTA, ESH, NAH, INFO) wherever a
//! verdict token is read: labels (`--verdict`), classes (`--verdict-classes`) and
//! `amplify inspect`.

/// Each phrase, upper-case, with its code; matched whole after trimming and upper-casing.
pub(crate) const VERDICT_WORDS: [(&str, &str); 16] = [
    ("YOU'RE THE ASSHOLE", "YTA"),
    ("YOU\u{2019}RE THE ASSHOLE", "YTA"),
    ("YOURE THE ASSHOLE", "YTA"),
    ("YOU ARE THE ASSHOLE", "YTA"),
    ("YOU'RE THE A-HOLE", "YTA"),
    ("YOU\u{2019}RE THE A-HOLE", "YTA"),
    ("YOU ARE THE A-HOLE", "YTA"),
    ("ASSHOLE", "YTA"),
    ("NOT THE ASSHOLE", "NTA"),
    ("NOT THE A-HOLE", "NTA"),
    ("EVERYONE SUCKS", "ESH"),
    ("EVERYONE SUCKS HERE", "ESH"),
    ("NO ASSHOLES HERE", "NAH"),
    ("NO A-HOLES HERE", "NAH"),
    ("NOT ENOUGH INFO", "INFO"),
    ("NOT ENOUGH INFORMATION", "INFO"),
];

/// The token a raw verdict reads as: its trimmed, upper-cased text, or the code of that phrase.
pub(crate) fn verdict_token(raw: &str) -> String {
    let token = raw.trim().to_uppercase();
    VERDICT_WORDS.iter().find(|(w, _)| *w == token).map_or(token, |(_, code)| code.to_string())
}

/// Every upper-case spelling read as `token`: the token itself and the phrases of that code.
pub(crate) fn spellings(token: &str) -> Vec<String> {
    let words = VERDICT_WORDS.iter().filter(|(_, c)| *c == token).map(|(w, _)| w.to_string());
    std::iter::once(token.to_string()).chain(words).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flairs_read_as_codes_and_other_text_stays_itself() {
        assert_eq!(verdict_token("  Not the A-hole "), "NTA");
        assert_eq!(verdict_token("You\u{2019}re the Asshole"), "YTA");
        assert_eq!(verdict_token("everyone sucks here"), "ESH");
        assert_eq!(verdict_token("No A-holes here"), "NAH");
        assert_eq!(verdict_token("Not enough info"), "INFO");
        assert_eq!(verdict_token(" nta "), "NTA");
        // Not a whole phrase: left as it is (so it is no class and no label).
        assert_eq!(verdict_token("Not the A-hole!"), "NOT THE A-HOLE!");
        assert_eq!(spellings("ESH"), ["ESH", "EVERYONE SUCKS", "EVERYONE SUCKS HERE"]);
        assert_eq!(spellings("X"), ["X"]);
        // Every phrase is upper-case, trimmed, and reads as one of the five codes.
        for (word, code) in VERDICT_WORDS {
            assert_eq!(word, word.trim().to_uppercase());
            assert!(["YTA", "NTA", "ESH", "NAH", "INFO"].contains(&code));
        }
    }
}
