//! A blocking client for OpenAI-compatible chat-completions endpoints (OpenAI, vLLM, llama.cpp
//! server, Ollama): one attempt per call; retrying is the runner's job.

use super::rubric::Messages;
use std::time::Duration;

/// An API key read from the environment. Its `Debug` output is redacted; it is only ever put
/// into the `Authorization` header.
#[derive(Clone)]
pub struct ApiKey {
    value: String,
    /// The environment variable it came from.
    pub source: &'static str,
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ApiKey(from {}, redacted)", self.source)
    }
}

/// Environment variables holding the API key, in order of preference.
pub const KEY_VARIABLES: [&str; 2] = ["AMPLIFY_API_KEY", "OPENAI_API_KEY"];

impl ApiKey {
    /// The key from `AMPLIFY_API_KEY`, else `OPENAI_API_KEY`; `None` when neither is set.
    pub fn from_env() -> Option<ApiKey> {
        KEY_VARIABLES.iter().find_map(|&name| {
            std::env::var(name)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .map(|value| ApiKey { value, source: name })
        })
    }
}

/// A reply with content.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// `choices[0].message.content`.
    pub content: String,
    /// `usage.prompt_tokens`, when reported.
    pub prompt_tokens: Option<u64>,
    /// `usage.completion_tokens`, when reported.
    pub completion_tokens: Option<u64>,
}

/// The outcome of one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Attempt {
    /// The endpoint answered.
    Reply(Reply),
    /// A transient failure worth retrying (429, 5xx, timeout, connection error, malformed reply).
    Retry {
        /// What happened.
        reason: String,
        /// The server's `Retry-After`, if any.
        retry_after: Option<Duration>,
        /// Whether the request never reached a server (connection refused, DNS, ...).
        unreachable: bool,
    },
    /// A failure no retry can fix for this item (e.g. 400: the prompt is too long).
    Give(String),
    /// A failure no retry can fix for any item (401/403: key rejected; 404: wrong URL or model).
    Stop {
        /// HTTP status.
        status: u16,
        /// Start of the response body.
        detail: String,
    },
}

/// Settings of the chat requests.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    /// Base URL; `/chat/completions` is appended.
    pub endpoint: String,
    /// Judge model name.
    pub model: String,
    /// Per-request timeout.
    pub timeout: Duration,
    /// `max_tokens` of each request.
    pub max_tokens: u32,
    /// `seed` sent with each request (servers that support it sample reproducibly).
    pub seed: u64,
    /// Idle connections kept open for reuse (set to the concurrency).
    pub connections: usize,
}

/// The client: one connection pool shared by all workers.
#[derive(Debug)]
pub struct ChatClient {
    agent: ureq::Agent,
    url: String,
    key: Option<ApiKey>,
    settings: ClientSettings,
}

/// The chat-completions URL of a base endpoint URL.
pub fn completions_url(endpoint: &str) -> String {
    format!("{}/chat/completions", endpoint.trim_end_matches('/'))
}

impl ChatClient {
    /// A client for `settings`, authenticating with `key` when given.
    pub fn new(settings: ClientSettings, key: Option<ApiKey>) -> ChatClient {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(settings.timeout))
            .max_idle_connections(settings.connections.max(1))
            .max_idle_connections_per_host(settings.connections.max(1))
            .user_agent(concat!("amplify/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        ChatClient { agent, url: completions_url(&settings.endpoint), key, settings }
    }

    /// The chat-completions URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The judge model name.
    pub fn model(&self) -> &str {
        &self.settings.model
    }

    /// The API key's source variable, if a key is used.
    pub fn key_source(&self) -> Option<&'static str> {
        self.key.as_ref().map(|k| k.source)
    }

    /// Sends one request and classifies the outcome.
    pub fn ask(&self, messages: &Messages) -> Attempt {
        let body = serde_json::json!({
            "model": self.settings.model,
            "messages": [
                {"role": "system", "content": messages.system},
                {"role": "user", "content": messages.user},
            ],
            "temperature": 0,
            "max_tokens": self.settings.max_tokens,
            "seed": self.settings.seed,
        })
        .to_string();
        let mut request = self.agent.post(&self.url).header("Content-Type", "application/json");
        if let Some(key) = &self.key {
            request = request.header("Authorization", format!("Bearer {}", key.value));
        }
        let attempt = match request.send(body.as_str()) {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let retry_after = response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(super::retry::parse_retry_after);
                match response.body_mut().read_to_string() {
                    Ok(text) => classify(status, &text, retry_after),
                    Err(e) => transport(e, self.settings.timeout),
                }
            }
            Err(e) => transport(e, self.settings.timeout),
        };
        redact_attempt(attempt, self.key.as_ref().map(|k| k.value.as_str()))
    }
}

/// Removes the API key, and any `Bearer` token, from every text a server supplied, before it
/// is stored (cache, `_raw` and `_error` columns) or printed: a server may echo the request.
/// Error texts are redacted first and cut to their stored length after ([`super::redact`]).
fn redact_attempt(attempt: Attempt, key: Option<&str>) -> Attempt {
    let cut = |text: String, max: usize| super::redact::redact_and_cut(&text, key, max);
    match attempt {
        Attempt::Reply(reply) => Attempt::Reply(Reply { content: redact(&reply.content, key), ..reply }),
        Attempt::Retry { reason, retry_after, unreachable } => {
            Attempt::Retry { reason: cut(reason, DETAIL + 40), retry_after, unreachable }
        }
        Attempt::Give(reason) => Attempt::Give(cut(reason, DETAIL + 10)),
        Attempt::Stop { status, detail } => Attempt::Stop { status, detail: cut(detail, DETAIL) },
    }
}

/// Characters of a server's error body kept in an error message.
const DETAIL: usize = 200;

pub(crate) use super::redact::redact;

/// Classifies a complete HTTP response.
fn classify(status: u16, body: &str, retry_after: Option<Duration>) -> Attempt {
    // Cut after redaction (`redact_attempt`), so that a key across the cut cannot survive in part.
    let detail = || body.to_string();
    match status {
        200..=299 => parse_reply(body).map(Attempt::Reply).unwrap_or_else(|reason| Attempt::Retry {
            reason,
            retry_after: None,
            unreachable: false,
        }),
        401 | 403 | 404 => Attempt::Stop { status, detail: detail() },
        408 | 409 | 425 | 429 | 500..=599 => {
            Attempt::Retry { reason: format!("HTTP {status}"), retry_after, unreachable: false }
        }
        _ => Attempt::Give(format!("HTTP {status}: {}", detail())),
    }
}

/// Reads `choices[0].message.content` and the token usage.
fn parse_reply(body: &str) -> Result<Reply, String> {
    let value: serde_json::Value =
        serde_json::from_str(body).map_err(|e| format!("malformed JSON reply ({e})"))?;
    let content = value["choices"][0]["message"]["content"]
        .as_str()
        .ok_or_else(|| "reply without choices[0].message.content".to_string())?;
    Ok(Reply {
        content: content.to_string(),
        prompt_tokens: value["usage"]["prompt_tokens"].as_u64(),
        completion_tokens: value["usage"]["completion_tokens"].as_u64(),
    })
}

/// Classifies a transport error (nothing or only part of a response arrived).
fn transport(error: ureq::Error, timeout: Duration) -> Attempt {
    let (reason, unreachable) = match &error {
        ureq::Error::Timeout(_) => (format!("no reply within {:.1} s", timeout.as_secs_f64()), false),
        ureq::Error::HostNotFound => ("host not found".to_string(), true),
        ureq::Error::ConnectionFailed => ("connection failed".to_string(), true),
        ureq::Error::Io(e) => {
            use std::io::ErrorKind::*;
            (e.to_string(), matches!(e.kind(), ConnectionRefused | HostUnreachable | NetworkUnreachable))
        }
        other => (other.to_string(), false),
    };
    Attempt::Retry { reason, retry_after: None, unreachable }
}

#[cfg(test)]
mod redaction_tests {
    use super::*;

    #[test]
    fn keys_and_bearer_tokens_never_survive() {
        let key = "sk-secret-123456";
        let echo =
            format!("{{\"error\": \"bad request\", \"headers\": {{\"Authorization\": \"Bearer {key}\"}}}}");
        let clean = redact(&echo, Some(key));
        assert!(!clean.contains(key) && clean.contains("Bearer [redacted]"), "{clean}");
        assert_eq!(redact("authorization: bearer abc.def", None), "authorization: Bearer [redacted]");
        assert_eq!(redact(&format!("you sent {key}"), Some(key)), "you sent [redacted]");
        assert_eq!(redact("a fine reply", Some("abc")), "a fine reply", "short keys are not searched");
        let attempt = redact_attempt(Attempt::Give(format!("HTTP 400: {key}")), Some(key));
        assert_eq!(attempt, Attempt::Give("HTTP 400: [redacted]".into()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses_are_classified() {
        let ok = r#"{"choices":[{"message":{"role":"assistant","content":"1"}}],"usage":{"prompt_tokens":12,"completion_tokens":1}}"#;
        let reply = Reply { content: "1".into(), prompt_tokens: Some(12), completion_tokens: Some(1) };
        assert_eq!(classify(200, ok, None), Attempt::Reply(reply));
        assert!(
            matches!(classify(200, "{\"choi", None), Attempt::Retry { ref reason, .. } if reason.contains("malformed"))
        );
        assert!(matches!(classify(200, "{}", None), Attempt::Retry { .. }));
        let wait = Some(Duration::from_secs(2));
        assert!(matches!(classify(429, "", wait), Attempt::Retry { retry_after, .. } if retry_after == wait));
        assert!(matches!(classify(503, "", None), Attempt::Retry { .. }));
        assert!(matches!(classify(401, "bad key", None), Attempt::Stop { status: 401, .. }));
        assert!(matches!(classify(400, "too long", None), Attempt::Give(ref r) if r.contains("too long")));
        assert_eq!(completions_url("http://h:1/v1/"), "http://h:1/v1/chat/completions");
    }

    #[test]
    fn the_key_is_redacted_in_debug_output() {
        let key = ApiKey { value: "sk-secret".into(), source: "AMPLIFY_API_KEY" };
        assert!(!format!("{key:?}").contains("sk-secret"));
    }
}
