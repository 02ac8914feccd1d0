//! Connections: accepted, served by hyper, and drained at shutdown.
//!
//! At shutdown nothing already sent is lost: connections still waiting in
//! the kernel's accept queue are accepted and served one request each
//! (they may hold a request the client has fully sent), the listener is
//! then closed (later connections are refused, not accepted and dropped),
//! idle keep-alive connections are closed, and requests in flight finish
//! within the grace period; when it expires the server says how many it
//! cut off.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::FutureExt;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

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

pub struct Connections {
    server: &'static Server,
    keep_alive: Duration,
    graceful: GracefulShutdown,
    /// Connections accepted during shutdown, served one request each.
    last: JoinSet<()>,
}

impl Connections {
    pub fn new(server: &'static Server, keep_alive: Duration, limit_concurrency: Option<usize>) -> Self {
        if let Some(limit) = limit_concurrency {
            let _ = LIMIT.set(limit);
        }
        Connections {
            server,
            keep_alive,
            graceful: GracefulShutdown::new(),
            last: JoinSet::new(),
        }
    }

    /// Serves a connection, with keep-alive, until shutdown.
    pub fn serve(&mut self, stream: TcpStream, peer: SocketAddr, address: SocketAddr) {
        let (server, local) = (self.server, local_address(&stream, address));
        let connection = builder(true, self.keep_alive).serve_connection(
            TokioIo::new(stream),
            service_fn(move |request| dispatch::handle(server, request, local, peer)),
        );
        tokio::task::spawn_local(log_failure(self.graceful.watch(connection), peer));
    }

    /// Accepts what is waiting in the listener's queue now, each served for
    /// one request, then closes the listener.
    pub fn drain(&mut self, listener: TcpListener, address: SocketAddr) {
        while let Some(Ok((stream, peer))) = listener.accept().now_or_never() {
            let (server, local) = (self.server, local_address(&stream, address));
            let connection = builder(false, self.keep_alive).serve_connection(
                TokioIo::new(stream),
                service_fn(move |request| dispatch::handle(server, request, local, peer)),
            );
            self.last.spawn_local(log_failure(connection, peer));
        }
    }

    /// Waits for every connection to finish, at most `grace`; says how
    /// many requests were cut off if it expires.
    pub async fn finish(self, grace: Duration) {
        let Connections {
            graceful, mut last, ..
        } = self;
        // Let connections accepted just before the signal read the request
        // the client already sent: hyper closes a connection that has not
        // started one as idle.
        for _ in 0..2 {
            tokio::task::yield_now().await;
        }
        let everything = async move {
            tokio::join!(graceful.shutdown(), async {
                while last.join_next().await.is_some() {}
            });
        };
        if tokio::time::timeout(grace, everything).await.is_err() {
            eprintln!(
                "turbo: {} requests still running after {}s; exiting without answering them",
                IN_FLIGHT.load(Ordering::Relaxed),
                grace.as_secs()
            );
        }
    }
}

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
        eprintln!(
            "turbo: cannot accept connections: {err} ({} failures since the last message; retrying)",
            self.since_logged
        );
        self.since_logged = 0;
        self.logged = Some(std::time::Instant::now());
    }
}

/// The address the client connected to (the listener's, if unknown).
fn local_address(stream: &TcpStream, listening: SocketAddr) -> SocketAddr {
    let _ = stream.set_nodelay(true);
    stream.local_addr().unwrap_or(listening)
}

async fn log_failure<C>(connection: C, peer: SocketAddr)
where
    C: std::future::Future<Output = Result<(), hyper::Error>>,
{
    if let Err(err) = connection.await {
        // A client that went away, or an idle keep-alive connection timing
        // out, is ordinary (uvicorn logs neither).
        if !err.is_incomplete_message() && !err.is_closed() && !err.is_timeout() {
            eprintln!("turbo: connection from {peer}: {err}");
        }
    }
}
