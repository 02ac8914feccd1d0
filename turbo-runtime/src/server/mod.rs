//! The HTTP server: command line, start-up, accept loop, shutdown.
//!
//! One current-thread tokio runtime on the thread that initialised Python
//! (the I/O thread): it accepts connections, routes in Rust, steps the
//! asyncio loop and runs `def` code inline unless a route's placement
//! sends it to the worker pool (`python/placement.rs`). Signals are watched from a
//! thread of their own (`shutdown.rs`). More cores are used by running
//! more processes (see README).

mod access_log;
mod asgi;
mod connections;
mod dispatch;
mod docs_assets;
pub mod exit_stack;
mod heartbeat;
mod http_rules;
mod inbound;
#[allow(unsafe_code)]
mod inherited;
mod listener;
mod middleware;
mod proxy_headers;
mod request_body;
pub mod route_call;
mod schema_export;
mod shutdown;
mod solving;
mod supervisor;
mod transport;
mod websocket;

use std::os::fd::OwnedFd;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use crate::log::Level as LogLevel;
use crate::python::startup;
use crate::python::{dependables, event_loop, interpreter, lifespan, placement, workers};
use crate::routing::Router;
use crate::spec::{AppSpec, RouteSpec};
use connections::Connections;
use listener::Listener;
use turbo_contract::fnv1a;

#[derive(Parser, Debug)]
#[command(about = "A FastAPI app compiled by turbo into a native server")]
struct Options {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// Listen on this Unix socket instead of --host/--port.
    #[arg(long, env = "TURBO_UDS", value_name = "PATH", conflicts_with = "fd")]
    uds: Option<PathBuf>,
    /// Listen on this already-listening socket (socket activation:
    /// systemd passes the first as 3) instead of --host/--port.
    #[arg(long, env = "TURBO_FD", value_name = "N")]
    fd: Option<i32>,
    /// Where a proxy mounts the app (`/api`): the prefix the proxy removes
    /// and `request.url` and redirects include (uvicorn's option).
    #[arg(long, env = "TURBO_ROOT_PATH", default_value = "", value_name = "PATH")]
    root_path: String,
    /// Directory holding the app module (default: where it was at build time).
    #[arg(long, env = "TURBO_APP_DIR")]
    app_dir: Option<PathBuf>,
    /// The Python installation to run (its prefix, holding the standard
    /// library); default: the one this server was built against.
    #[arg(long, env = "TURBO_PYTHON_HOME", value_name = "DIR")]
    python_home: Option<PathBuf>,
    /// A virtual environment (made with the same Python) whose packages the
    /// app imports, searched before the build environment's.
    #[arg(long, env = "TURBO_VENV", value_name = "DIR")]
    venv: Option<PathBuf>,
    /// No access log line per request (on by default, as uvicorn's).
    #[arg(long, env = "TURBO_NO_ACCESS_LOG", value_parser = clap::builder::BoolishValueParser::new())]
    no_access_log: bool,
    /// The least severe messages written: `info` includes the access log.
    #[arg(long, env = "TURBO_LOG_LEVEL", value_enum, default_value_t = LogLevel::Info)]
    log_level: LogLevel,
    /// A path the server answers itself, without Python (200, `OK`), for
    /// load balancers and orchestrators; it shadows an app route there.
    #[arg(long, env = "TURBO_HEALTH_PATH", value_name = "PATH")]
    health_path: Option<String>,
    /// Where the /docs and /redoc pages load Swagger UI and ReDoc from:
    /// `cdn` (FastAPI's pages, byte for byte) or `bundled` (the server's own
    /// copies, under /_turbo/docs/, for networks without a CDN).
    #[arg(long, env = "TURBO_DOCS_ASSETS", value_enum, default_value_t = DocsAssets::Cdn)]
    docs_assets: DocsAssets,
    /// Print the app's OpenAPI document (FastAPI's `app.openapi()`) and
    /// exit, without serving.
    #[arg(long)]
    openapi: bool,
    /// Trust `X-Forwarded-Proto`/`X-Forwarded-For` from --forwarded-allow-ips
    /// (on by default, as uvicorn; --no-proxy-headers to ignore them).
    #[arg(long = "no-proxy-headers", env = "TURBO_NO_PROXY_HEADERS", value_parser = clap::builder::BoolishValueParser::new())]
    no_proxy_headers: bool,
    /// Peers whose forwarding headers are trusted: addresses, networks or
    /// `*`, comma-separated (uvicorn's option and default).
    #[arg(
        long,
        env = "FORWARDED_ALLOW_IPS",
        default_value = "127.0.0.1",
        value_name = "LIST"
    )]
    forwarded_allow_ips: String,
    /// Largest request body held in memory (routes with body parameters);
    /// larger ones get 413. Bytes, or with k, m, g (KiB, MiB, GiB) as
    /// nginx; 0: no limit. Forms stream to disk.
    #[arg(long, env = "TURBO_LIMIT_REQUEST_BODY", default_value = "16m", value_parser = request_body::parse_size, value_name = "SIZE")]
    limit_request_body: u64,
    /// --limit-request-body for one route: `ROUTE=SIZE`, ROUTE named as
    /// for --threadpool (repeatable, or comma-separated in the variable).
    #[arg(
        long = "limit-request-body-for",
        env = "TURBO_LIMIT_REQUEST_BODY_FOR",
        value_delimiter = ',',
        value_name = "ROUTE=SIZE"
    )]
    route_body_limits: Vec<String>,
    /// Seconds to wait for the next piece of a request body before 408.
    #[arg(
        long,
        env = "TURBO_TIMEOUT_REQUEST_BODY",
        default_value_t = 60.0,
        value_name = "SECONDS"
    )]
    timeout_request_body: f64,
    /// Connections the kernel queues before they are accepted (uvicorn's default).
    #[arg(long, env = "TURBO_BACKLOG", default_value_t = 2048)]
    backlog: u32,
    /// Requests served at once; beyond it, 503 (as uvicorn's option).
    #[arg(long, env = "TURBO_LIMIT_CONCURRENCY", value_name = "N")]
    limit_concurrency: Option<usize>,
    /// Connections served at once; a request on one beyond it gets 503 and
    /// its connection is closed.
    #[arg(long, env = "TURBO_LIMIT_CONNECTIONS", value_name = "N")]
    limit_connections: Option<usize>,
    /// Seconds between WebSocket keep-alive pings (uvicorn's; 0: none).
    #[arg(
        long,
        env = "TURBO_WS_PING_INTERVAL",
        default_value_t = 20.0,
        value_name = "SECONDS"
    )]
    ws_ping_interval: f64,
    /// Seconds a WebSocket ping waits for its pong before the connection
    /// fails with 1011 (uvicorn's).
    #[arg(
        long,
        env = "TURBO_WS_PING_TIMEOUT",
        default_value_t = 20.0,
        value_name = "SECONDS"
    )]
    ws_ping_timeout: f64,
    /// Seconds a response may wait for the client to take more of it
    /// before the connection is closed (nginx's send_timeout).
    #[arg(
        long,
        env = "TURBO_TIMEOUT_WRITE",
        default_value_t = 60.0,
        value_name = "SECONDS"
    )]
    timeout_write: f64,
    /// Seconds an idle keep-alive connection stays open (uvicorn's default
    /// 5); also the longest wait for a request's headers (then 408).
    #[arg(
        long,
        env = "TURBO_TIMEOUT_KEEP_ALIVE",
        default_value_t = 5.0,
        value_name = "SECONDS"
    )]
    timeout_keep_alive: f64,
    /// Seconds to let in-flight requests finish after SIGINT/SIGTERM.
    #[arg(long, default_value_t = 10)]
    graceful_timeout: u64,
    /// Requests a process serves before it drains and exits (a worker is
    /// then replaced), plus up to --max-requests-jitter more; 0: no limit.
    #[arg(long, env = "TURBO_MAX_REQUESTS", default_value_t = 0, value_name = "N")]
    max_requests: u64,
    #[arg(
        long,
        env = "TURBO_MAX_REQUESTS_JITTER",
        default_value_t = 0,
        value_name = "N"
    )]
    max_requests_jitter: u64,
    /// Seconds a worker's I/O thread may be held by one piece of Python
    /// before the worker exits and is replaced (gunicorn's --timeout; only
    /// under --workers); 0: never.
    #[arg(long, env = "TURBO_TIMEOUT", default_value_t = 30.0, value_name = "SECONDS")]
    timeout: f64,
    /// Worker processes, each with its own interpreter, accepting on one
    /// socket under a supervisor (`auto`: one per CPU); 1: no supervisor.
    #[arg(long, env = "TURBO_WORKERS", default_value = "1", value_name = "N|auto")]
    workers: String,
    /// Threads that run blocking `def` code (anyio's default, as FastAPI).
    #[arg(long, env = "TURBO_THREADS", default_value_t = crate::python::workers::DEFAULT_THREADS)]
    threads: usize,
    /// Where `def` handlers and dependencies run: `auto` (inline on the I/O
    /// thread until one run exceeds --inline-limit-ms, then in the thread
    /// pool), `inline` or `threadpool`, for every route.
    #[arg(long, env = "TURBO_DEF_CODE", value_enum, default_value_t = DefCode::Auto)]
    def_code: DefCode,
    /// Milliseconds a route's `def` code may hold the I/O thread in one run
    /// before the route moves to the thread pool (with --def-code auto).
    #[arg(long, env = "TURBO_INLINE_LIMIT_MS", default_value_t = 2.0)]
    inline_limit_ms: f64,
    /// Runs this route's `def` code in the thread pool from the start
    /// (`GET /items/{id}`, `/items/{id}`, `module:function` or `function`;
    /// repeatable, or comma-separated in TURBO_THREADPOOL).
    #[arg(
        long = "threadpool",
        env = "TURBO_THREADPOOL",
        value_delimiter = ',',
        value_name = "ROUTE"
    )]
    threadpool_routes: Vec<String>,
    /// Keeps this route's `def` code on the I/O thread, however long it runs.
    #[arg(
        long = "inline",
        env = "TURBO_INLINE",
        value_delimiter = ',',
        value_name = "ROUTE"
    )]
    inline_routes: Vec<String>,
}

/// `--docs-assets`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum DocsAssets {
    Cdn,
    Bundled,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum DefCode {
    Auto,
    Inline,
    Threadpool,
}

impl Options {
    /// The directory the app is imported from and the Python home
    /// (`--app-dir`, `--python-home`, or where they were at build time).
    fn python_paths(&self, app: &AppSpec) -> (PathBuf, PathBuf) {
        let app_dir = self.app_dir.clone().unwrap_or_else(|| PathBuf::from(app.app_dir));
        let home = self
            .python_home
            .clone()
            .unwrap_or_else(|| PathBuf::from(interpreter::BUILD_HOME));
        (app_dir, home)
    }

    /// `--workers`, as a number (an invalid value counts as 1, said once).
    fn worker_count(&self) -> usize {
        if self.workers == "auto" {
            return std::thread::available_parallelism().map_or(1, usize::from);
        }
        self.workers.parse().unwrap_or_else(|_| {
            crate::log::log!(
                Warning,
                "turbo: warning: --workers {:?} is not a number or auto; running 1",
                self.workers
            );
            1
        })
    }

    fn placement_policy(&self) -> placement::Policy {
        placement::Policy {
            default: match self.def_code {
                DefCode::Auto => None,
                DefCode::Inline => Some(placement::Placement::Inline),
                DefCode::Threadpool => Some(placement::Placement::Threadpool),
            },
            inline: self.inline_routes.clone(),
            threadpool: self.threadpool_routes.clone(),
            limit: Duration::from_secs_f64(self.inline_limit_ms.max(0.0) / 1000.0),
        }
    }
}

/// Everything a request needs, fixed for the life of the process.
pub(crate) struct Server {
    pub(crate) app: &'static AppSpec,
    pub(crate) router: &'static Router,
    pub(crate) limits: request_body::RouteLimits,
    /// `--root-path`, or empty.
    pub(crate) root_path: &'static str,
    /// Whose forwarding headers are believed; `None`: nobody's.
    pub(crate) proxies: Option<proxy_headers::TrustedHosts>,
    pub(crate) health_path: Option<String>,
    /// `--docs-assets bundled`: answer for the documentation pages' files.
    pub(crate) docs_assets: bool,
    /// The middleware of each application serving routes (the app, then
    /// each mounted FastAPI application), outermost first.
    pub(crate) middleware: Vec<middleware::Stack>,
    /// The app has WebSocket routes: connections may be upgraded.
    pub(crate) websockets: bool,
}

/// The command line; `--version` prints turbo's version, the runtime API
/// the server was generated for, and the CPython it embeds.
fn parse_options() -> Options {
    use clap::{CommandFactory, FromArgMatches};
    let version = format!(
        "{} (runtime API {}, CPython {})",
        env!("CARGO_PKG_VERSION"),
        turbo_contract::API_VERSION,
        env!("TURBO_PYTHON_VERSION")
    );
    // Leaked: clap keeps `&'static str`s, and this runs once.
    let matches = Options::command().version(&*version.leak()).get_matches();
    Options::from_arg_matches(&matches).unwrap_or_else(|err| err.exit())
}

/// Entry point of every generated server's `main`.
pub fn serve(app: &'static AppSpec, router: &'static Router) -> ExitCode {
    let options = parse_options();
    crate::log::set_level(options.log_level);
    if options.openapi {
        let (app_dir, home) = options.python_paths(app);
        let environment = startup::Environment {
            app_dir: &app_dir,
            home: &home,
            venv: options.venv.as_deref(),
            docs_assets: None,
        };
        return schema_export::print(app, router, &environment);
    }
    // First, before any thread starts: what a supervisor passed.
    let (inherited, ready) = (inherited::listener(), inherited::ready_pipe());
    let banner = |listening: &str| {
        format!(
            "turbo: serving {} routes of {} on {listening} (Ctrl+C to stop)",
            crate::routing::served_count(router.routes.len()),
            app.sources.first().map_or("the app", |source| source.path),
        )
    };
    // The process that binds a Unix socket removes its file at exit.
    let mut socket_file = listener::SocketFile(None);
    let listener = match inherited {
        Some(listener) => listener,
        None => match listen(&options, &mut socket_file) {
            Ok(listener) => listener,
            Err(message) => {
                eprintln!("turbo: error: {message}");
                return ExitCode::FAILURE;
            }
        },
    };
    let workers = options.worker_count();
    if ready.is_none() && workers > 1 {
        let grace = Duration::from_secs(options.graceful_timeout);
        return supervisor::run(listener, workers, grace, banner);
    }
    let (app_dir, home) = options.python_paths(app);
    warn_if_stale(app, &app_dir);
    // Before Python starts: CPython's `signal` module puts its own SIGINT
    // handler (which raises KeyboardInterrupt in whatever handler runs)
    // only where none is set yet.
    let signalled = match shutdown::watch_signals(Duration::from_secs(options.graceful_timeout)) {
        Ok(signalled) => signalled,
        Err(err) => {
            eprintln!("turbo: error: cannot watch for signals: {err}");
            return ExitCode::FAILURE;
        }
    };
    let environment = startup::Environment {
        app_dir: &app_dir,
        home: &home,
        venv: options.venv.as_deref(),
        docs_assets: (options.docs_assets == DocsAssets::Bundled).then(|| {
            format!(
                "{}{}",
                options.root_path.trim_end_matches('/'),
                docs_assets::PREFIX
            )
        }),
    };
    if let Err(message) = startup::load(app, router.routes, &environment) {
        eprintln!("turbo: error: {message}");
        return ExitCode::FAILURE;
    }
    let middleware = match pyo3::Python::attach(|py| {
        (0..crate::python::calls::applications())
            .map(|app| {
                let (application, _) = crate::python::calls::application(py, app);
                middleware::Stack::from_app(
                    py,
                    application,
                    asgi::dispatcher(py, app).map(pyo3::Bound::into_any),
                )
            })
            .collect::<Result<Vec<_>, String>>()
    }) {
        Ok(middleware) => middleware,
        Err(message) => {
            eprintln!("turbo: error: {message}");
            return ExitCode::FAILURE;
        }
    };
    workers::configure(options.threads);
    let policy = options.placement_policy();
    let handler = |route: &RouteSpec| &app.handlers[route.handler];
    let unknown = placement::configure(
        &policy,
        router.routes,
        |route| (handler(route).module, handler(route).name),
        |route| !handler(route).is_async || dependables::calls_def_code(route),
    );
    if let Some(name) = unknown.first() {
        eprintln!("turbo: error: --inline/--threadpool {name:?} names no route of this app");
        return ExitCode::FAILURE;
    }
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("turbo: error: cannot start the I/O runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    connections::limit_requests(options.max_requests, options.max_requests_jitter);
    let limits = request_body::Limits {
        max_in_memory: Some(options.limit_request_body).filter(|limit| *limit > 0),
        read_timeout: Duration::from_secs_f64(options.timeout_request_body.max(0.001)),
    };
    let limits = match request_body::RouteLimits::configure(
        limits,
        &options.route_body_limits,
        router.routes,
        |route| (handler(route).module, handler(route).name),
    ) {
        Ok(limits) => limits,
        Err(message) => {
            eprintln!("turbo: error: --limit-request-body-for {message}");
            return ExitCode::FAILURE;
        }
    };
    let proxies =
        (!options.no_proxy_headers).then(|| proxy_headers::TrustedHosts::parse(&options.forwarded_allow_ips));
    let server: &'static Server = Box::leak(Box::new(Server {
        app,
        router,
        limits,
        root_path: options.root_path.clone().leak(),
        proxies,
        health_path: options.health_path.clone(),
        docs_assets: options.docs_assets == DocsAssets::Bundled,
        middleware,
        websockets: router.routes.iter().any(|route| route.is_websocket()),
    }));
    asgi::install(server, dispatch::through);
    let local = tokio::task::LocalSet::new();
    let listening = Listening {
        listener,
        ready,
        banner: &banner,
    };
    match local.block_on(&runtime, run(server, options, listening, signalled)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Io(message)) => {
            eprintln!("turbo: error: {message}");
            ExitCode::FAILURE
        }
        Err(Failure::Startup) => {
            eprintln!("turbo: error: application startup failed (traceback above); exiting");
            ExitCode::from(STARTUP_FAILED)
        }
    }
}

/// Why a server stopped before serving.
enum Failure {
    Io(String),
    /// The app's lifespan raised on startup.
    Startup,
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Io(message)
    }
}

/// uvicorn's exit status when the application's startup fails.
const STARTUP_FAILED: u8 = 3;

fn warn_if_stale(app: &AppSpec, app_dir: &std::path::Path) {
    for source in app.sources {
        let file = app_dir.join(source.path);
        match std::fs::read(&file) {
            Ok(text) if fnv1a(&text) == source.hash => {}
            Ok(_) => crate::log::log!(
                Warning,
                "turbo: warning: {} changed since this server was built; its routes are the old ones \
                 until you run `turbo build` again",
                file.display()
            ),
            Err(err) => crate::log::log!(Warning, "turbo: warning: cannot read {}: {err}", file.display()),
        }
    }
}

/// The socket the command line asks for: `--fd`, `--uds`, or
/// `--host`/`--port`.
fn listen(options: &Options, socket_file: &mut listener::SocketFile) -> Result<OwnedFd, String> {
    if let Some(number) = options.fd {
        let fd = inherited::descriptor(number)
            .ok_or_else(|| format!("--fd {number} is not an open descriptor"))?;
        listener::check_listening(&fd).map_err(|err| format!("--fd {number}: {err}"))?;
        return Ok(fd);
    }
    if let Some(path) = &options.uds {
        let fd = listener::bind_unix(path, options.backlog)
            .map_err(|err| format!("cannot listen on {}: {err}", path.display()))?;
        socket_file.0 = Some(path.clone());
        return Ok(fd);
    }
    listener::bind_tcp(&options.host, options.port, options.backlog)
        .map_err(|err| format!("cannot listen on {}:{}: {err}", options.host, options.port))
}

/// Where a server process listens, and what it says when it is ready.
struct Listening<'a> {
    listener: OwnedFd,
    /// The supervisor's readiness pipe, in a worker process.
    ready: Option<OwnedFd>,
    banner: &'a dyn Fn(&str) -> String,
}

async fn run(
    server: &'static Server,
    options: Options,
    listening: Listening<'_>,
    signalled: shutdown::Signalled,
) -> Result<(), Failure> {
    let address = listener::describe(&listening.listener);
    let listener =
        Listener::from_fd(listening.listener).map_err(|err| format!("cannot listen on {address}: {err}"))?;
    tokio::task::spawn_local(event_loop::drive());
    // Before the first connection is accepted (connections wait in the
    // backlog) and before a worker says it is ready.
    let lifespan = lifespan::start().await.map_err(|()| Failure::Startup)?;
    match listening.ready {
        // A worker tells its supervisor, which prints the banner.
        Some(ready) => {
            if options.timeout > 0.0 {
                tokio::task::spawn_local(heartbeat::beat());
                heartbeat::watch(Duration::from_secs_f64(options.timeout))
                    .map_err(|err| format!("cannot start the worker watchdog: {err}"))?;
            }
            let _ = rustix::io::write(&ready, &[1]);
        }
        None => {
            println!("{}", (listening.banner)(&address));
            use std::io::Write;
            let _ = std::io::stdout().flush();
        }
    }

    access_log::enable(!options.no_access_log && options.log_level <= LogLevel::Info);
    if access_log::enabled() {
        tokio::task::spawn_local(access_log::write_periodically());
    }
    websocket::keep_alive(options.ws_ping_interval, options.ws_ping_timeout);
    let settings = connections::Settings {
        keep_alive: Duration::from_secs_f64(options.timeout_keep_alive.max(0.001)),
        write_timeout: Duration::from_secs_f64(options.timeout_write.max(0.001)),
        max_connections: options.limit_connections,
    };
    let mut connections = Connections::new(server, settings, options.limit_concurrency);
    let mut accept_failures = connections::AcceptFailures::default();
    let shutdown = shutdown::signalled(signalled);
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            // A signal first: what is queued then is drained below.
            biased;
            signal = &mut shutdown => {
                crate::log::log!(Info, "turbo: {signal}, shutting down");
                break;
            }
            () = shutdown::stop_requested() => {
                crate::log::log!(Info, "turbo: served --max-requests requests, shutting down");
                break;
            }
            accepted = listener.accept() => match accepted {
                Ok(accepted) => connections.serve(accepted),
                Err(err) => {
                    // EMFILE and friends: back off instead of spinning, and
                    // say so once per interval, not per attempt.
                    accept_failures.record(&err);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
    connections.drain(listener);
    connections
        .finish(Duration::from_secs(options.graceful_timeout))
        .await;
    lifespan::stop(lifespan).await;
    access_log::flush();
    Ok(())
}
