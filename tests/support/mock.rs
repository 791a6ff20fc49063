// Shared by tests/it/cli_judge.rs and benches/judge.rs; each uses part of it.
#![allow(dead_code)]

//! A scripted OpenAI-compatible chat-completions server on loopback, for tests and benchmarks of
//! `amplify judge` (no real API is reachable from CI). A script decides each reply, and can inject
//! faults: error statuses with `Retry-After`, slow replies, malformed JSON, dropped connections.
//! The server logs every request and the most requests it ever had in flight at once.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    /// The `Authorization` header.
    pub authorization: Option<String>,
    /// `model` of the body.
    pub model: String,
    /// The system message.
    pub system: String,
    /// The user message.
    pub user: String,
    /// When the request arrived.
    pub at: Instant,
}

/// How the server answers one request.
#[derive(Debug, Clone)]
pub enum Respond {
    /// 200 with this content as the assistant message.
    Answer(String),
    /// An error status, with an optional `Retry-After` value.
    Status(u16, Option<String>),
    /// Wait, then answer with this content.
    Slow(Duration, String),
    /// 200 with a body that is not JSON.
    Malformed,
    /// Close the connection without answering.
    Drop,
}

/// Decides the reply to a request; the second argument counts the requests so far with the same
/// user message (1 for the first).
pub type Script = dyn Fn(&Request, u32) -> Respond + Send + Sync;

struct State {
    script: Box<Script>,
    latency: Duration,
    log: Mutex<Vec<Request>>,
    seen: Mutex<HashMap<String, u32>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    stop: AtomicBool,
}

/// A running mock server; stops accepting when dropped.
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<State>,
}

impl MockServer {
    /// Starts a server on 127.0.0.1 (a free port) that adds `latency` before every reply.
    pub fn start(latency: Duration, script: Box<Script>) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            script,
            latency,
            log: Mutex::new(Vec::new()),
            seen: Mutex::new(HashMap::new()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
        });
        let accept_state = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if accept_state.stop.load(Ordering::Relaxed) {
                    return;
                }
                if let Ok(stream) = stream {
                    let state = Arc::clone(&accept_state);
                    std::thread::spawn(move || serve(stream, &state));
                }
            }
        });
        Ok(MockServer { addr, state })
    }

    /// The base URL to pass as `--endpoint`.
    pub fn endpoint(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Request> {
        self.state.log.lock().map(|log| log.clone()).unwrap_or_default()
    }

    /// The most requests in flight at once so far.
    pub fn max_in_flight(&self) -> usize {
        self.state.max_in_flight.load(Ordering::SeqCst)
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::Relaxed);
        let _ = TcpStream::connect(self.addr);
    }
}

/// Serves one keep-alive connection until the client closes it.
fn serve(stream: TcpStream, state: &State) {
    let _ = stream.set_nodelay(true);
    let Ok(mut writer) = stream.try_clone() else { return };
    let mut reader = BufReader::new(stream);
    while let Some(request) = read_request(&mut reader) {
        let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        state.max_in_flight.fetch_max(now, Ordering::SeqCst);
        let attempt = {
            let mut seen = state.seen.lock().unwrap_or_else(|p| p.into_inner());
            let n = seen.entry(request.user.clone()).or_insert(0);
            *n += 1;
            *n
        };
        let respond = (state.script)(&request, attempt);
        if let Ok(mut log) = state.log.lock() {
            log.push(request);
        }
        std::thread::sleep(state.latency);
        let keep = answer(&mut writer, respond);
        state.in_flight.fetch_sub(1, Ordering::SeqCst);
        if !keep {
            return;
        }
    }
}

/// Reads one HTTP/1.1 request (headers and a Content-Length body); `None` at end of stream.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let (mut length, mut authorization) = (0usize, None);
    loop {
        line.clear();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "authorization" => authorization = Some(value.trim().to_string()),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let text = |i: usize| json["messages"][i]["content"].as_str().unwrap_or_default().to_string();
    Some(Request {
        authorization,
        model: json["model"].as_str().unwrap_or_default().to_string(),
        system: text(0),
        user: text(1),
        at: Instant::now(),
    })
}

/// Writes the reply; returns whether the connection stays open.
fn answer(writer: &mut TcpStream, respond: Respond) -> bool {
    let (status, extra, body) = match respond {
        Respond::Answer(content) => (200, String::new(), completion(&content)),
        Respond::Slow(delay, content) => {
            std::thread::sleep(delay);
            (200, String::new(), completion(&content))
        }
        Respond::Status(code, retry_after) => {
            let extra = retry_after.map(|v| format!("Retry-After: {v}\r\n")).unwrap_or_default();
            (code, extra, format!("{{\"error\":{{\"message\":\"mock status {code}\"}}}}"))
        }
        Respond::Malformed => (200, String::new(), "{\"choices\": [{\"mess".to_string()),
        Respond::Drop => return false,
    };
    // One write per reply: a separate head and body would meet Nagle's algorithm and the client's
    // delayed ACK (40 ms per request on Linux).
    let reply = format!(
        "HTTP/1.1 {status} Mock\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    writer.write_all(reply.as_bytes()).is_ok()
}

fn completion(content: &str) -> String {
    serde_json::json!({
        "id": "mock",
        "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 1, "total_tokens": 11},
    })
    .to_string()
}
