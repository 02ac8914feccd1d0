//! The HTTP server: command line, start-up, accept loop, shutdown.
//!
//! One current-thread tokio runtime on the thread that initialised Python:
//! it accepts connections, routes in Rust and calls handlers inline. More
//! cores are used by running more processes (see README).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use crate::python;
use crate::request::Request;
use crate::response::{self, Response};
use crate::route_call::call_route;
use crate::routing::{self, Resolution, Router};
use crate::spec::{AppSpec, BodyRead};
use crate::template::Captures;
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
    /// Directory holding the app module (default: where it was at build time).
    #[arg(long, env = "TURBO_APP_DIR")]
    app_dir: Option<PathBuf>,
    /// Seconds to let in-flight requests finish after SIGINT/SIGTERM.
    #[arg(long, default_value_t = 10)]
    graceful_timeout: u64,
}

/// Everything a request needs, fixed for the life of the process.
struct Server {
    app: &'static AppSpec,
    router: &'static Router,
}

/// Entry point of every generated server's `main`.
pub fn serve(app: &'static AppSpec, router: &'static Router) -> ExitCode {
    let options = Options::parse();
    let app_dir = options
        .app_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(app.app_dir));
    warn_if_stale(app, &app_dir);
    if let Err(message) = python::load(app, router.routes, &app_dir) {
        eprintln!("turbo: error: {message}");
        return ExitCode::FAILURE;
    }
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("turbo: error: cannot start the I/O runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let server: &'static Server = Box::leak(Box::new(Server { app, router }));
    let local = tokio::task::LocalSet::new();
    match local.block_on(&runtime, run(server, options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("turbo: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn warn_if_stale(app: &AppSpec, app_dir: &std::path::Path) {
    for source in app.sources {
        let file = app_dir.join(source.path);
        match std::fs::read(&file) {
            Ok(text) if fnv1a(&text) == source.hash => {}
            Ok(_) => eprintln!(
                "turbo: warning: {} changed since this server was built; its routes are the old ones \
                 until you run `turbo build` again",
                file.display()
            ),
            Err(err) => eprintln!("turbo: warning: cannot read {}: {err}", file.display()),
        }
    }
}

async fn run(server: &'static Server, options: Options) -> Result<(), String> {
    let listener = TcpListener::bind((options.host.as_str(), options.port))
        .await
        .map_err(|err| format!("cannot listen on {}:{}: {err}", options.host, options.port))?;
    let address = listener.local_addr().map_err(|err| err.to_string())?;
    println!(
        "turbo: serving {} routes of {} on http://{address} (Ctrl+C to stop)",
        crate::routing::served_count(server.router.routes.len()),
        server.app.sources.first().map_or("the app", |source| source.path),
    );
    use std::io::Write;
    let _ = std::io::stdout().flush();

    let graceful = GracefulShutdown::new();
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(err) => {
                        // EMFILE and friends: back off instead of spinning.
                        eprintln!("turbo: accept failed: {err}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let local = stream.local_addr().unwrap_or(address);
                // The timer enables hyper's 30 s limit on reading request heads.
                let connection = http1::Builder::new().timer(TokioTimer::new()).serve_connection(
                    TokioIo::new(stream),
                    service_fn(move |request| handle(server, request, local, peer)),
                );
                let connection = graceful.watch(connection);
                tokio::task::spawn_local(async move {
                    if let Err(err) = connection.await {
                        if !err.is_incomplete_message() && !err.is_closed() {
                            eprintln!("turbo: connection from {peer}: {err}");
                        }
                    }
                });
            }
            signal = &mut shutdown => {
                eprintln!("turbo: {signal}, shutting down");
                break;
            }
        }
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(Duration::from_secs(options.graceful_timeout)) => {
            eprintln!("turbo: requests still running after {}s; exiting", options.graceful_timeout);
        }
    }
    Ok(())
}

async fn shutdown_signal() -> &'static str {
    use tokio::signal::unix::{signal, SignalKind};
    let mut terminate = signal(SignalKind::terminate()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "SIGINT",
        _ = async {
            match terminate.as_mut() {
                Some(terminate) => { terminate.recv().await; }
                None => std::future::pending::<()>().await,
            }
        } => "SIGTERM",
    }
}

async fn handle(
    server: &'static Server,
    request: hyper::Request<Incoming>,
    local: SocketAddr,
    peer: SocketAddr,
) -> Result<Response, std::convert::Infallible> {
    let (parts, mut body) = request.into_parts();
    let path = routing::decode_path(parts.uri.path()).into_owned();
    let mut captures = Captures::default();
    let resolution = server.router.find(parts.method.as_str(), &path, &mut captures);
    let reads = match resolution {
        Resolution::Route(route) => server.router.routes[route as usize].body,
        _ => BodyRead::Skip,
    };
    let mut form = None;
    let body = match reads {
        BodyRead::Bytes => match body.collect().await {
            Ok(collected) => collected.to_bytes(),
            // The client went away or sent a broken body.
            Err(_) => return Ok(response::bad_request("There was an error parsing the body")),
        },
        BodyRead::Form => {
            // Parsed as it arrives, large files spooled to disk. Boxed: the
            // parser's state would otherwise enlarge every request's future.
            form = Some(Box::pin(crate::form::read(&parts.headers, body)).await);
            bytes::Bytes::new()
        }
        BodyRead::Skip => {
            // Drain it frame by frame (never buffering a large upload) so the
            // connection can carry the next request.
            while let Some(frame) = body.frame().await {
                if frame.is_err() {
                    break;
                }
            }
            bytes::Bytes::new()
        }
    };
    let mut request = Request::new(parts, path, local, Some(peer), body);
    if let Some(form) = form {
        request = request.with_form(form);
    }
    let response = match resolution {
        Resolution::Route(route) => {
            let spec = server.router.routes[route as usize];
            let is_async = server.app.handlers[spec.handler].is_async;
            call_route(spec, is_async, &request, &captures).await
        }
        Resolution::MethodNotAllowed(route) => {
            response::routing_error(&request, Some(server.router.routes[route as usize].allow))
        }
        Resolution::NotFound => match server.router.slash_redirect(request.method(), request.path()) {
            Some(path) => response::redirect(&routing::redirect_location(
                request.host(),
                request.local_addr(),
                &path,
                request.raw_query(),
            )),
            None => response::routing_error(&request, None),
        },
    };
    Ok(response)
}
