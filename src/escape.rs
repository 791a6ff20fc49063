//! Text from data or arguments made harmless on a terminal, in one place: every control character
//! (ESC, BEL, CR, …) and every bidirectional-override mark is written as a visible escape (`\e`,
//! `\x07`, `\r`, `\u{202e}`), so a model, metric, level or file name cannot move the cursor, clear
//! the screen, set the window title or reorder what a reader sees. Error lines, notes on stderr
//! and the human-readable tables on stdout go through here; JSON and CSV do not (JSON escapes
//! control characters itself; CSV is data).

/// Whether `c` is shown escaped: C0 and C1 controls, DEL, and the bidirectional controls.
fn hidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\u{1b}' => out.push_str("\\e"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

/// One line: every hidden character escaped, newlines included.
pub(crate) fn line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if hidden(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// Several lines: each line escaped, the newlines between them kept.
pub(crate) fn lines(text: &str) -> String {
    text.split('\n').map(line).collect::<Vec<_>>().join("\n")
}

/// `text` safe for a one-line message: control and replacement characters become `?`, and it is
/// cut to `max` characters.
pub(crate) fn printable(text: &str, max: usize) -> String {
    let mut out: String =
        text.chars().take(max).map(|c| if c.is_control() || c == '\u{FFFD}' { '?' } else { c }).collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sequences_that_drive_a_terminal_are_shown_not_run() {
        assert_eq!(line("\u{1b}]0;pwned\u{7}"), "\\e]0;pwned\\x07");
        assert_eq!(line("a\u{1b}[2Jb"), "a\\e[2Jb");
        assert_eq!(line("x\r\ny"), "x\\r\\ny");
        assert_eq!(line("\u{202e}txt.exe"), "\\u{202e}txt.exe");
        assert_eq!(line("\u{9b}31m"), "\\x9b31m");
        assert_eq!(lines("a\u{1b}\nb"), "a\\e\nb");
        assert_eq!(line("wife / husband é ü 日本"), "wife / husband é ü 日本");
    }

    proptest! {
        #[test]
        fn no_hidden_character_survives_and_plain_text_is_kept(text in "\\PC*|[\\x00-\\x1f\\x7f-\\x9f\u{202a}-\u{202e}a-z]*") {
            let out = line(&text);
            prop_assert!(!out.chars().any(hidden), "{out:?}");
            if !text.chars().any(hidden) {
                prop_assert_eq!(&out, &text);
            }
            // Escaping is injective on what it changes: unescaped text never contains a backslash
            // sequence it could be confused with unless the input had one.
            prop_assert!(out.len() >= text.len());
            prop_assert!(!lines(&text).split('\n').any(|l| l.chars().any(hidden)));
        }
    }
}
