//! Keeping the API key out of everything amplify stores or prints, whatever form a server echoes
//! it in. A reply or error body is searched for the key as sent, upper- or lower-cased, reversed,
//! split in two halves, base64-encoded at any byte alignment (alone, as `Bearer KEY` or inside a
//! larger encoded header), URL-encoded and JSON-escaped (`\u002d`); every `Bearer <token>` is
//! redacted too. Forms found in the text are replaced by `[redacted]`; a text in which only a
//! decoded view (URL or JSON unescaping) shows the key is replaced whole. Redaction runs before a
//! text is cut to its stored length, so a key across the cut cannot survive in part.
//!
//! An `--endpoint` is stored without its credentials: user information and the query string
//! are dropped ([`endpoint_for_records`]), and so are those of any URL in a stored text (a
//! transport error names the URL it failed to reach).

/// The replacement of a key found in a text.
const REDACTED: &str = "[redacted]";

/// Keys shorter than this are not searched: they would mangle ordinary words.
const MIN_KEY: usize = 6;

/// `text` with the key (in every form named in the module doc) and every `Bearer <token>`
/// replaced by `[redacted]`.
pub(crate) fn redact(text: &str, key: Option<&str>) -> String {
    let mut out = match key {
        Some(key) if key.len() >= MIN_KEY => redact_key(text, key),
        _ => text.to_string(),
    };
    static BEARER: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let bearer = BEARER.get_or_init(|| regex::Regex::new(r"(?i)\bbearer\s+[^\s\x22',;]+").ok());
    if let Some(bearer) = bearer {
        out = bearer.replace_all(&out, "Bearer [redacted]").into_owned();
    }
    redact_url_credentials(&out)
}

/// URLs in a text (a transport error names the endpoint) without user information or query.
fn redact_url_credentials(text: &str) -> String {
    static URL: std::sync::OnceLock<Option<(regex::Regex, regex::Regex)>> = std::sync::OnceLock::new();
    let patterns = URL.get_or_init(|| {
        let user = regex::Regex::new(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@").ok()?;
        let query = regex::Regex::new(r#"(?i)\b([a-z][a-z0-9+.-]*://[^\s?#"']*)\?[^\s"'#]*"#).ok()?;
        Some((user, query))
    });
    match patterns {
        Some((user, query)) => {
            let text = user.replace_all(text, "${1}[redacted]@");
            query.replace_all(&text, "${1}?[redacted]").into_owned()
        }
        None => text.to_string(),
    }
}

/// Redacts then keeps the first `max` characters, newlines folded: the stored form of an error body.
pub(crate) fn redact_and_cut(text: &str, key: Option<&str>, max: usize) -> String {
    redact(text, key).chars().take(max).collect::<String>().replace(['\n', '\r'], " ")
}

fn redact_key(text: &str, key: &str) -> String {
    let mut out = text.to_string();
    for form in forms(key) {
        out = replace_ignore_ascii_case(&out, &form, REDACTED);
    }
    let reversed: String = key.chars().rev().collect();
    out = redact_fragments(&out, key);
    out = redact_fragments(&out, &reversed);
    let decoded_views = [percent_decode(&out), json_unescape(&out)];
    if decoded_views.iter().any(|view| contains_ignore_ascii_case(view, key)) {
        return "[redacted: the text held the API key in an encoded form]".to_string();
    }
    out
}

/// The shortest piece of a key redacted on its own: any run of 8 or more characters of the key
/// (a key split in two, or cut) is redacted whole.
const FRAGMENT: usize = 8;

/// Every run of the text that is a piece of `key` at least [`FRAGMENT`] long (ASCII case
/// ignored), replaced by `[redacted]`: overlapping windows of the key mark the run, then each
/// marked run is replaced once.
fn redact_fragments(text: &str, key: &str) -> String {
    let (lower, key) = (text.to_ascii_lowercase(), key.to_ascii_lowercase());
    let w = FRAGMENT.min(key.len());
    if !key.is_ascii() || w < MIN_KEY {
        return text.to_string();
    }
    let mut marked = vec![false; text.len()];
    for start in 0..=key.len() - w {
        for (at, _) in lower.match_indices(&key[start..start + w]) {
            marked[at..at + w].iter_mut().for_each(|m| *m = true);
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if marked[i] {
            out.push_str(REDACTED);
            while i < text.len() && marked[i] {
                i += 1;
            }
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8().max(1);
        }
    }
    out
}

/// The forms of the key searched literally (longest first, so a form is never left in part): the
/// key itself (also a non-ASCII one, which [`redact_fragments`] does not search) and its base64
/// encodings; the key's pieces are redacted by [`redact_fragments`].
fn forms(key: &str) -> Vec<String> {
    let mut forms = vec![key.to_string()];
    forms.extend(base64_cores(key.as_bytes()));
    forms.extend(base64_cores(format!("Bearer {key}").as_bytes()));
    forms.retain(|f| f.len() >= MIN_KEY);
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    forms.dedup();
    forms
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 (with padding).
fn base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The characters of the base64 of `bytes` that do not depend on what surrounds it, for each of
/// the three byte alignments it can have inside a longer encoded text, in the standard and the
/// URL-safe alphabet.
fn base64_cores(bytes: &[u8]) -> Vec<String> {
    let mut cores = Vec::new();
    for offset in 0..3 {
        let mut padded = vec![0u8; offset];
        padded.extend_from_slice(bytes);
        let encoded = base64(&padded);
        let (start, end) = ((8 * offset).div_ceil(6), 8 * (offset + bytes.len()) / 6);
        if end > start {
            let core = encoded[start..end].to_string();
            cores.push(core.replace('+', "-").replace('/', "_"));
            cores.push(core);
        }
    }
    cores
}

fn contains_ignore_ascii_case(text: &str, needle: &str) -> bool {
    text.to_ascii_lowercase().contains(&needle.to_ascii_lowercase())
}

/// Replaces every occurrence of `needle` (ASCII case ignored) by `with`.
fn replace_ignore_ascii_case(text: &str, needle: &str, with: &str) -> String {
    let (lower, wanted) = (text.to_ascii_lowercase(), needle.to_ascii_lowercase());
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, _) in lower.match_indices(&wanted) {
        if at >= last {
            out.push_str(&text[last..at]);
            out.push_str(with);
            last = at + wanted.len();
        }
    }
    out.push_str(&text[last..]);
    out
}

/// `%XX` sequences decoded (others kept), `+` as a space.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// JSON string escapes decoded (`\u002d`, `\/`, `\"`, `\\`, `\n`, …); others kept.
fn json_unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => out.push_str(&format!("\\u{hex}")),
                }
            }
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// An endpoint as it may be recorded: scheme, host, port and path; user information
/// (`user:password@`) and the query string (`?api_key=…`) are dropped.
pub(crate) fn endpoint_for_records(endpoint: &str) -> String {
    let (scheme, rest) = endpoint.split_once("://").unwrap_or(("", endpoint));
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let path = if path.is_empty() { String::new() } else { format!("/{path}") };
    if scheme.is_empty() {
        format!("{host}{path}")
    } else {
        format!("{scheme}://{host}{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Decodes every maximal run of base64 characters at each of its four alignments, as an
    /// independent check that no encoded copy of the key is left.
    fn base64_runs_hold(text: &str, key: &str) -> bool {
        let value = |c: u8| match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' | b'-' => Some(62),
            b'/' | b'_' => Some(63),
            _ => None,
        };
        let bytes = text.as_bytes();
        let mut runs = Vec::new();
        let mut start = None;
        for (i, &b) in bytes.iter().chain([b' '].iter()).enumerate() {
            match (value(b).is_some(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    runs.push(&bytes[s..i]);
                    start = None;
                }
                _ => {}
            }
        }
        runs.iter().any(|run| {
            (0..4).any(|skip| {
                let sextets: Vec<u8> = run.iter().skip(skip).filter_map(|&c| value(c)).collect();
                let decoded: Vec<u8> = sextets
                    .chunks(4)
                    .flat_map(|c| {
                        let n = c.iter().fold(0u32, |n, &s| n << 6 | u32::from(s)) << (6 * (4 - c.len()));
                        let all = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
                        all.into_iter().take(c.len() * 6 / 8)
                    })
                    .collect();
                decoded.windows(key.len()).any(|w| w.eq_ignore_ascii_case(key.as_bytes()))
            })
        })
    }

    fn leaks(text: &str, key: &str) -> bool {
        contains_ignore_ascii_case(text, key)
            || contains_ignore_ascii_case(&percent_decode(text), key)
            || contains_ignore_ascii_case(&json_unescape(text), key)
            || text.contains(&key.chars().rev().collect::<String>())
            || base64_runs_hold(text, key)
    }

    #[test]
    fn base64_matches_a_reference() {
        // RFC 4648, section 10.
        for (plain, encoded) in [("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn every_echoed_form_is_redacted() {
        let key = "sk-test-0123456789abcdefXYZ";
        let echoes = [
            format!("you sent {key}"),
            format!("YOU SENT {}", key.to_uppercase()),
            format!("reversed {}", key.chars().rev().collect::<String>()),
            format!("b64 {}", base64(key.as_bytes())),
            format!("b64 bearer {}", base64(format!("Bearer {key}").as_bytes())),
            format!("inside {}", base64(format!("{{\"authorization\": \"Bearer {key}\"}}").as_bytes())),
            format!("url {}", key.replace('-', "%2D")),
            format!("json {}", key.replace('-', "\\u002d")),
            format!("split {} ... {}", &key[..14], &key[14..]),
        ];
        for (i, echo) in echoes.iter().enumerate() {
            let split = i + 1 == echoes.len();
            assert!(split || leaks(echo, key), "the check sees the key in {echo}");
            let clean = redact(echo, Some(key));
            assert!(!leaks(&clean, key), "{echo} -> {clean}");
            assert!(!clean.contains(&key[..9]) && !clean.contains(&key[18..]), "a piece survives: {clean}");
        }
        assert_eq!(redact("a fine reply", Some(key)), "a fine reply");
        assert_eq!(redact("a fine reply", Some("abc")), "a fine reply", "short keys are not searched");
    }

    #[test]
    fn a_key_across_the_cut_is_redacted_before_cutting() {
        let key = "sk-abcdefghijklmnop";
        let body = format!("{}{key} and more", "x".repeat(195));
        let stored = redact_and_cut(&body, Some(key), 200);
        assert!(!stored.contains("sk-abcd"), "{stored}");
    }

    #[test]
    fn urls_in_error_texts_lose_their_credentials() {
        let text = "POST https://user:pw-secret@host:80/v1/chat/completions?api_key=qs-secret failed";
        let clean = redact(text, None);
        assert!(!clean.contains("pw-secret") && !clean.contains("qs-secret"), "{clean}");
        assert!(
            clean.contains("https://[redacted]@host:80/v1/chat/completions?[redacted] failed"),
            "{clean}"
        );
        assert_eq!(redact("see http://localhost:8000/v1 now", None), "see http://localhost:8000/v1 now");
    }

    #[test]
    fn endpoints_lose_their_credentials() {
        assert_eq!(
            endpoint_for_records("https://user:pw@host:8000/v1?api_key=SECRET"),
            "https://host:8000/v1"
        );
        assert_eq!(endpoint_for_records("http://localhost:8000/v1"), "http://localhost:8000/v1");
        assert_eq!(endpoint_for_records("https://h/v1#frag"), "https://h/v1");
    }

    proptest! {
        #[test]
        fn random_keys_in_random_encodings_never_survive(
            key in "[A-Za-z0-9_-]{20,60}",
            noise in "[ -~]{0,40}",
            how in 0usize..7,
        ) {
            let echoed = match how {
                0 => key.clone(),
                1 => key.to_uppercase(),
                2 => base64(key.as_bytes()),
                3 => base64(format!("{noise}Bearer {key}{noise}").as_bytes()),
                4 => key.chars().map(|c| format!("%{:02X}", c as u32)).collect(),
                5 => key.chars().map(|c| format!("\\u{:04x}", c as u32)).collect(),
                _ => key.chars().rev().collect(),
            };
            let clean = redact(&format!("{noise}{echoed}{noise}"), Some(&key));
            prop_assert!(!leaks(&clean, &key), "{}", clean);
        }
    }
}
