//! Where a route's `def` code runs: inline on the I/O thread, or in the
//! worker pool.
//!
//! FastAPI runs every `def` handler and dependency in a thread pool, so a
//! blocking one never stalls the server; for a handler that returns in
//! microseconds that hop costs several times the handler. turbo runs a
//! route's `def` code inline and times each run of it (the synchronous
//! stretch between two awaits: dependencies, handler, `yield` exits). A
//! route moves to the pool, for the life of the process (the server says
//! so once on stderr), when one run holds the I/O thread ten times the
//! inline limit (`--inline-limit-ms`, 2 ms by default), or three of its
//! last sixteen runs exceed the limit: a blocking call does that at once
//! or within three calls, while the rare stall that is not the handler's
//! doing (the OS preempting the thread, a garbage collection) does not
//! move a fast route. `--threadpool
//! ROUTE` puts a route in the pool from the start and `--inline ROUTE`
//! keeps it inline whatever it takes; `--def-code inline|threadpool`
//! applies to every route. Coroutines always run on the I/O thread's loop,
//! and a route without `def` code stays there.

use std::sync::atomic::{AtomicU32, AtomicU8, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use crate::spec::RouteSpec;

/// Where one route's `def` code runs now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Placement {
    /// Inline, moving to the pool if a run exceeds the limit.
    Measured = 0,
    /// Inline, whatever it takes (`--inline`).
    Inline = 1,
    /// In the worker pool.
    Threadpool = 2,
}

impl Placement {
    fn from_u8(value: u8) -> Self {
        match value {
            1 => Placement::Inline,
            2 => Placement::Threadpool,
            _ => Placement::Measured,
        }
    }
}

/// The policy chosen on the command line.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    /// Every route's placement at start (`Measured` unless `--def-code`).
    pub default: Option<Placement>,
    /// Routes named by `--inline`.
    pub inline: Vec<String>,
    /// Routes named by `--threadpool`.
    pub threadpool: Vec<String>,
    pub limit: Duration,
}

struct Placements {
    routes: Vec<AtomicU8>,
    /// Per route, whether each of its last sixteen timed runs exceeded the
    /// limit (a bit each, newest lowest). Only the I/O thread times runs.
    history: Vec<AtomicU32>,
    limit: Duration,
}

/// Slow runs among the last sixteen that move a route.
const SLOW_RUNS: u32 = 3;
/// How many times the limit one run may take before it alone moves a route.
const CLEAR_FACTOR: u32 = 10;

static PLACEMENTS: OnceLock<Placements> = OnceLock::new();

/// Whether `name` (as given on the command line) names `route`: its
/// path template (`/items/{item_id}`), its methods and path (`GET
/// /items/{item_id}`), or its handler (`app.main:read_item`, or just
/// `read_item`).
pub fn names(name: &str, route: &RouteSpec, handler: (&str, &str)) -> bool {
    let (module, function) = handler;
    let name = name.trim();
    if name == route.path || name == function || name == format!("{module}:{function}") {
        return true;
    }
    match name.split_once(' ') {
        Some((method, path)) => {
            path.trim() == route.path && route.methods.iter().any(|m| m.eq_ignore_ascii_case(method))
        }
        None => false,
    }
}

/// Fixes each route's starting placement. Returns the names that matched
/// no route, for the operator.
/// `has_def_code` says whether a route calls any `def` function (its
/// handler or a dependable, as the app registered them and after
/// `dependency_overrides`): a route of coroutines only stays on the I/O
/// thread unless named by `--threadpool`, as uvicorn runs such a route
/// wholly in its event loop.
pub fn configure<'a>(
    policy: &'a Policy,
    routes: &[&'static RouteSpec],
    handler: impl Fn(&RouteSpec) -> (&'static str, &'static str),
    has_def_code: impl Fn(&RouteSpec) -> bool,
) -> Vec<&'a str> {
    let named =
        |list: &[String], route: &RouteSpec| list.iter().any(|name| names(name, route, handler(route)));
    let placements = routes
        .iter()
        .map(|route| {
            let placement = if named(&policy.threadpool, route) {
                Placement::Threadpool
            } else if named(&policy.inline, route) || !has_def_code(route) {
                Placement::Inline
            } else {
                policy.default.unwrap_or(Placement::Measured)
            };
            AtomicU8::new(placement as u8)
        })
        .collect();
    let _ = PLACEMENTS.set(Placements {
        history: routes.iter().map(|_| AtomicU32::new(0)).collect(),
        routes: placements,
        limit: policy.limit,
    });
    policy
        .inline
        .iter()
        .chain(&policy.threadpool)
        .filter(|name| !routes.iter().any(|route| names(name, route, handler(route))))
        .map(String::as_str)
        .collect()
}

/// Where route `index`'s `def` code runs now.
pub fn placement(index: usize) -> Placement {
    PLACEMENTS
        .get()
        .and_then(|placements| placements.routes.get(index))
        .map_or(Placement::Measured, |placement| {
            Placement::from_u8(placement.load(Ordering::Relaxed))
        })
}

/// Records that a run of route `index`'s `def` code held the I/O thread
/// for `took`; a measured route that blocks moves to the pool.
pub fn observe(index: usize, took: Duration, route: &RouteSpec) {
    let Some(placements) = PLACEMENTS.get() else {
        return;
    };
    let (Some(placement), Some(history)) = (placements.routes.get(index), placements.history.get(index))
    else {
        return;
    };
    if placement.load(Ordering::Relaxed) != Placement::Measured as u8 {
        return;
    }
    let slow = took > placements.limit;
    let runs = (history.load(Ordering::Relaxed) << 1 | u32::from(slow)) & 0xFFFF;
    history.store(runs, Ordering::Relaxed);
    if !(took > placements.limit * CLEAR_FACTOR || runs.count_ones() >= SLOW_RUNS) {
        return;
    }
    let moved = placement.compare_exchange(
        Placement::Measured as u8,
        Placement::Threadpool as u8,
        Ordering::Relaxed,
        Ordering::Relaxed,
    );
    if moved.is_ok() {
        crate::log::log!(
            Warning,
            "turbo: {} {} blocks the I/O thread (this run: {:.1} ms, limit {} ms); its def code runs in \
             the thread pool from now on (--inline or --threadpool to choose)",
            route.methods.join(","),
            route.path,
            took.as_secs_f64() * 1000.0,
            placements.limit.as_secs_f64() * 1000.0,
        );
    }
}
