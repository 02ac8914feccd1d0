//! Connections: accepted, served by hyper, and drained at shutdown.
//!
//! At shutdown nothing already sent is lost: connections still waiting in
//! the kernel's accept queue are accepted and served one request each
//! (they may hold a request the client has fully sent), the listener is
//! then closed (later connections are refused, not accepted and dropped),
//! idle keep-alive connections are closed, and requests in flight finish
//! within the grace period; when it expires the server says how many it
//! cut off. `--limit-connections` caps the connections served at once:
//! a request on one over the cap gets 503 and its connection is closed.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::FutureExt;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::AsyncWriteExt;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::listener::{Accepted, Listener};
use super::transport::{is_write_timeout, Transport, REQUEST_TIMEOUT};
use super::{dispatch, Server};

/// Requests received and not yet answered.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

/// Requests this process serves before it stops (`--max-requests`).
static REQUESTS_LEFT: AtomicU64 = AtomicU64::new(u64::MAX);

/// Sets `--max-requests` plus a jitter in `0..=jitter` (so workers started
/// together do not all restart together).
pub fn limit_requests(max: u64, jitter: u64) {
    if max == 0 {
        return;
    }
    let seed = u64::from(std::process::id())
        ^ std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.subsec_nanos().into());
    REQUESTS_LEFT.store(max + seed % (jitter + 1), Ordering::Relaxed);
}

/// `--limit-concurrency`, if given.
static LIMIT: std::sync::OnceLock<usize> = std::sync::OnceLock::new();

/// Counts one request in flight until dropped.
pub struct InFlight(());

impl InFlight {
    /// `None` when `--limit-concurrency` requests are already in flight.
    pub fn start() -> Option<Self> {
        if REQUESTS_LEFT.fetch_sub(1, Ordering::Relaxed) == 1 {
            super::shutdown::request_stop();
        }
        let before = IN_FLIGHT.fetch_add(1, Ordering::Relaxed);
        let admitted = InFlight(());
        match LIMIT.get() {
            Some(limit) if before >= *limit => None,
            _ => Some(admitted),
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::Relaxed);
    }
}

/// How every connection is served, from the command line.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Longest wait for a request's headers, and for the next request on
    /// an idle keep-alive connection.
    pub keep_alive: Duration,
    /// Longest a response may wait for the client to take more of it.
    pub write_timeout: Duration,
    /// Connections served at once (`--limit-connections`); requests on
    /// more get 503 and their connection is closed.
    pub max_connections: Option<usize>,
}

/// Connections open now.
static OPEN: AtomicUsize = AtomicUsize::new(0);

/// Counts one open connection until dropped.
struct Open(());

impl Open {
    /// Counts a new connection; `false` if it is over `max`.
    fn count(max: Option<usize>) -> (Self, bool) {
        let before = OPEN.fetch_add(1, Ordering::Relaxed);
        (Open(()), max.is_none_or(|max| before < max))
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        OPEN.fetch_sub(1, Ordering::Relaxed);
    }
}

pub struct Connections {
    server: &'static Server,
    settings: Settings,
    /// Tells every connection to finish its request and close; closed
    /// when the last one has.
    stop: watch::Sender<bool>,
    /// Connections accepted during shutdown, served one request each.
    last: JoinSet<()>,
}

impl Connections {
    pub fn new(server: &'static Server, settings: Settings, limit_concurrency: Option<usize>) -> Self {
        if let Some(limit) = limit_concurrency {
            let _ = LIMIT.set(limit);
        }
        Connections {
            server,
            settings,
            stop: watch::Sender::new(false),
            last: JoinSet::new(),
        }
    }

    /// Serves a connection, with keep-alive, until shutdown.
    pub fn serve(&mut self, accepted: Accepted) {
        let stop = self.stop.subscribe();
        tokio::task::spawn_local(serve_connection(self.server, accepted, self.settings, Some(stop)));
    }

    /// Accepts what is waiting in the listener's queue now, each served for
    /// one request, then closes the listener.
    pub fn drain(&mut self, listener: Listener) {
        while let Some(Ok(accepted)) = listener.accept().now_or_never() {
            self.last
                .spawn_local(serve_connection(self.server, accepted, self.settings, None));
        }
    }

    /// Waits for every connection to finish, at most `grace`; says how
    /// many requests were cut off if it expires.
    pub async fn finish(self, grace: Duration) {
        let Connections { stop, mut last, .. } = self;
        // Let connections accepted just before the signal read the request
        // the client already sent: hyper closes a connection that has not
        // started one as idle.
        for _ in 0..2 {
            tokio::task::yield_now().await;
        }
        let _ = stop.send(true);
        let everything = async move {
            tokio::join!(stop.closed(), async { while last.join_next().await.is_some() {} });
        };
        if tokio::time::timeout(grace, everything).await.is_err() {
            crate::log::log!(
                Warning,
                "turbo: {} requests still running after {}s; exiting without answering them",
                IN_FLIGHT.load(Ordering::Relaxed),
                grace.as_secs()
            );
        }
    }
}

/// One connection, from accept to close. `stop` asks it to finish the
/// request in progress and close; a connection accepted during shutdown
/// has none and serves one request, without keep-alive.
async fn serve_connection(
    server: &'static Server,
    accepted: Accepted,
    settings: Settings,
    stop: Option<watch::Receiver<bool>>,
) {
    let keep_alive = stop.is_some();
    let (_open, admitted) = Open::count(settings.max_connections);
    let peer = super::inbound::Peer {
        local: accepted.local,
        client: accepted.peer,
        refused: !admitted,
    };
    // Whether a request has arrived on this connection (see below).
    let used = std::rc::Rc::new(std::cell::Cell::new(false));
    let marks_used = used.clone();
    let connection = builder(keep_alive && admitted, settings.keep_alive).serve_connection(
        TokioIo::new(Transport::new(accepted.socket, settings.write_timeout)),
        service_fn(move |request| {
            marks_used.set(true);
            dispatch::handle(server, request, peer)
        }),
    );
    // The receiver lives as long as the connection: `finish` waits for
    // every receiver to be dropped.
    let mut stop = stop;
    let stopped = async {
        match stop.as_mut() {
            Some(stop) => {
                let _ = stop.changed().await;
            }
            None => std::future::pending().await,
        }
    };
    // Served until it ends, or until shutdown asks it to finish.
    macro_rules! until_finished {
        ($connection:ident) => {
            tokio::select! {
                // The connection first, every time: no random order to draw.
                biased;
                finished = &mut $connection => finished,
                () = stopped => 'stopping: {
                    // A connection accepted just before the signal may not
                    // have sent its request yet (the client connected, then
                    // writes): closed now as idle, the client would get no
                    // answer. It gets a moment to send one, then answered.
                    if !used.get() {
                        if let Ok(finished) = tokio::time::timeout(FIRST_REQUEST_GRACE, &mut $connection).await {
                            break 'stopping finished;
                        }
                    }
                    std::pin::Pin::new(&mut $connection).graceful_shutdown();
                    (&mut $connection).await
                }
            }
        };
    }
    if server.websockets {
        // An app with WebSocket routes: a connection may be upgraded (hyper
        // then gives no access to its read buffer, so no 408 is written).
        let mut connection = connection.with_upgrades();
        let finished = until_finished!(connection);
        if let Err(err) = finished {
            log_failure(&err, peer);
        }
        return;
    }
    let mut connection = connection;
    let finished = until_finished!(connection);
    let Err(err) = finished else { return };
    if err.is_timeout() {
        // Headers begun and not finished in time get nginx's 408; an idle
        // keep-alive connection is just closed.
        let parts = connection.into_parts();
        if !parts.read_buf.is_empty() {
            let mut transport = parts.io.into_inner();
            let _ = transport.write_all(REQUEST_TIMEOUT).await;
            let _ = transport.shutdown().await;
        }
    } else {
        log_failure(&err, peer);
    }
}

/// A connection that failed: a client that went away, or stopped reading,
/// is ordinary (uvicorn logs neither).
fn log_failure(err: &hyper::Error, peer: super::inbound::Peer) {
    if err.is_timeout() || err.is_incomplete_message() || err.is_closed() || is_write_timeout(err) {
        return;
    }
    let client = peer
        .client
        .map_or_else(|| "a Unix socket".to_owned(), |peer| peer.to_string());
    crate::log::log!(Error, "turbo: connection from {client}: {err}");
}

/// How long a connection that has not sent a request yet gets to send one
/// at shutdown.
const FIRST_REQUEST_GRACE: Duration = Duration::from_millis(500);

/// hyper's settings: the header timeout also closes a keep-alive
/// connection that stays idle that long (hyper starts it when it waits
/// for the next request).
fn builder(keep_alive: bool, timeout: Duration) -> http1::Builder {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(timeout)
        .keep_alive(keep_alive);
    builder
}

/// Failed accepts (at the file-descriptor limit, every attempt fails),
/// logged at most once per interval with how many there were.
#[derive(Default)]
pub struct AcceptFailures {
    since_logged: u64,
    logged: Option<std::time::Instant>,
}

const ACCEPT_LOG_INTERVAL: Duration = Duration::from_secs(5);

impl AcceptFailures {
    pub fn record(&mut self, err: &std::io::Error) {
        self.since_logged += 1;
        if self.logged.is_some_and(|at| at.elapsed() < ACCEPT_LOG_INTERVAL) {
            return;
        }
        crate::log::log!(
            Error,
            "turbo: cannot accept connections: {err} ({} failures since the last message; retrying)",
            self.since_logged
        );
        self.since_logged = 0;
        self.logged = Some(std::time::Instant::now());
    }
}
