//! The access log: one line per request on stdout, in uvicorn's format
//! (`INFO:     127.0.0.1:50000 - "GET /items/1?q=a HTTP/1.1" 200 OK`), on
//! unless `--no-access-log` or a `--log-level` above `info`.
//!
//! Lines are gathered on the I/O thread (every request is dispatched
//! there) and written at most every 50 ms, or sooner when 64 KiB are
//! waiting, so the log costs no system call per request.

use std::cell::RefCell;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use hyper::{Method, StatusCode, Uri, Version};

static ENABLED: AtomicBool = AtomicBool::new(false);

const FLUSH_EVERY: Duration = Duration::from_millis(50);
const FLUSH_AT: usize = 64 * 1024;

thread_local! {
    static WAITING: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

pub fn enable(enabled: bool) {
    ENABLED.store(enabled, Ordering::Relaxed);
}

pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// What the line of a request says about it, taken before the request is
/// handled.
pub struct RequestLine {
    method: Method,
    target: Uri,
    version: Version,
    /// `--root-path`, which uvicorn's line includes.
    root_path: &'static str,
}

impl RequestLine {
    pub fn of(parts: &hyper::http::request::Parts, root_path: &'static str) -> Option<Self> {
        enabled().then(|| RequestLine {
            method: parts.method.clone(),
            target: parts.uri.clone(),
            version: parts.version,
            root_path,
        })
    }

    /// Records the line of the answered request.
    pub fn answered(self, client: &str, status: StatusCode) {
        let version = match self.version {
            Version::HTTP_10 => "1.0",
            Version::HTTP_2 => "2",
            _ => "1.1",
        };
        let target = self.target.path_and_query().map_or("/", |target| target.as_str());
        WAITING.with_borrow_mut(|waiting| {
            let _ = writeln!(
                waiting,
                "INFO:     {client} - \"{} {}{target} HTTP/{version}\" {} {}",
                self.method,
                self.root_path,
                status.as_u16(),
                status.canonical_reason().unwrap_or("")
            );
            if waiting.len() >= FLUSH_AT {
                write_out(waiting);
            }
        });
    }
}

/// uvicorn's line of a WebSocket handshake: `"WebSocket /path" [accepted]`
/// (or the status it was refused with).
pub fn websocket(client: &str, target: &str, outcome: &str) {
    WAITING.with_borrow_mut(|waiting| {
        let _ = writeln!(waiting, "INFO:     {client} - \"WebSocket {target}\" {outcome}");
        write_out(waiting);
    });
}

fn write_out(waiting: &mut Vec<u8>) {
    if waiting.is_empty() {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    // A closed stdout loses the log, not the server.
    let _ = stdout.write_all(waiting).and_then(|()| stdout.flush());
    waiting.clear();
}

/// Writes what is waiting (at shutdown).
pub fn flush() {
    WAITING.with_borrow_mut(write_out);
}

/// Writes the waiting lines every 50 ms, for the life of the server: a
/// task on the I/O thread.
pub async fn write_periodically() {
    let mut every = tokio::time::interval(FLUSH_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        flush();
    }
}
