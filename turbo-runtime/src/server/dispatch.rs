//! One HTTP request: routed, its body read as the route needs it, then
//! handed to the route (`route_call`) or answered as a routing error.

use hyper::body::Incoming;

use super::access_log::RequestLine;
use super::connections::InFlight;
pub(super) use super::inbound::{Inbound, Peer};
use super::middleware::{Answer, Place, Stack};
use super::{http_rules, request_body, Server};
use crate::extraction::request::{Call, Request};
use crate::incoming::RequestBody;
use crate::python::calls;
use crate::response::rendering;
use crate::response::{self, Response};
use crate::routing::{self, Resolution};
use crate::server::route_call::{call_route, settle, spawn_background};
use crate::spec::BodyRead;
use crate::template::Captures;

pub(super) async fn handle(
    server: &'static Server,
    request: hyper::Request<Incoming>,
    peer: Peer,
) -> Result<Response, std::convert::Infallible> {
    let in_flight = InFlight::start();
    if super::websocket::is_handshake(&request) && in_flight.is_some() && !peer.refused {
        let forwarded = server
            .proxies
            .as_ref()
            .map(|proxies| proxies.forwarded(request.headers(), peer.client))
            .unwrap_or_default();
        return Ok(super::websocket::handle(server, request, peer, forwarded).await);
    }
    let (parts, body) = request.into_parts();
    let line = RequestLine::of(&parts, server.root_path);
    let forwarded = server
        .proxies
        .as_ref()
        .map(|proxies| proxies.forwarded(&parts.headers, peer.client))
        .unwrap_or_default();
    // The access log names the client as the app sees it (uvicorn's proxy
    // middleware rewrites the scope the log reads); none on a Unix socket.
    let client = line.is_some().then(|| match (&forwarded.client, peer.client) {
        (Some((host, port)), _) => format!("{host}:{port}"),
        (None, Some(client)) => client.to_string(),
        (None, None) => String::new(),
    });
    let response = if in_flight.is_none() || peer.refused {
        let mut refused = response::service_unavailable();
        response::close_connection(&mut refused);
        refused
    } else if http_rules::violation(&parts).is_some() {
        response::invalid_request()
    } else if server.health_path.as_deref() == Some(parts.uri.path()) {
        response::healthy()
    } else if let Some(asset) = server
        .docs_assets
        .then(|| super::docs_assets::answer(&parts.method, parts.uri.path()))
        .flatten()
    {
        asset
    } else {
        let inbound = Inbound {
            path: routing::decode_path(parts.uri.path()).into_owned(),
            parts,
            body: RequestBody::Connection(body),
            peer,
            forwarded,
            scope: None,
        };
        if server.middleware[0].is_empty() {
            respond(server, 0, inbound).await
        } else {
            through(server, 0, 0, inbound).await
        }
    };
    if let (Some(line), Some(client)) = (line, client) {
        line.answered(&client, response.status());
    }
    Ok(response)
}

/// Application `app`'s answer (the app, or a mounted one) from position
/// `from` of its middleware inwards (`middleware/`): a native middleware
/// may answer the request itself (a CORS preflight), a run of Python
/// middleware answers through the ASGI bridge (`asgi/`, which comes back
/// here for what is inside it); the answer goes back out through the
/// native middleware passed on the way, an unhandled exception's 500
/// through none. Boxed: the bridge recurses.
pub(super) fn through(
    server: &'static Server,
    app: usize,
    from: usize,
    inbound: Inbound,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Response>>> {
    Box::pin(async move {
        let stack = &server.middleware[app];
        let seen = Stack::seen(&inbound.parts);
        let place = Place {
            scheme: inbound.forwarded.scheme.unwrap_or("http"),
            local: inbound.peer.local,
            root_path: server.root_path,
        };
        let (response, outside_of) = match stack.answer(from, &inbound.parts, &place) {
            Answer::Native(at, answer) => (answer, at),
            Answer::Python(at, layer) => (super::asgi::call(server, app, layer, inbound).await, at),
            Answer::Inside => (respond(server, app, inbound).await, stack.len()),
        };
        stack.respond(from, outside_of, &seen, response).await
    })
}

/// Application `app`'s router: the app's, or a mounted application's (its
/// routes and boundary only). A route of a mounted application with
/// middleware goes through that middleware first, as Starlette's `Mount`
/// hands the request to the application.
async fn respond(server: &'static Server, app: usize, inbound: Inbound) -> Response {
    let routes = server.router.routes;
    let own = |route: u16| calls::app_of(Some(routes[route as usize].handler)) == app;
    let mut captures = Captures::default();
    let method = inbound.parts.method.as_str();
    let resolution = match app {
        0 => server.router.find(method, &inbound.path, &mut captures),
        _ => server
            .router
            .find_among(method, &inbound.path, &mut captures, &own),
    };
    // Only an app with mounted applications (one stack each) looks.
    let mounted_apps = server.middleware.len() > 1;
    if let (true, Resolution::Route(route) | Resolution::Boundary(route)) = (mounted_apps, resolution) {
        let mounted = calls::app_of(Some(routes[route as usize].handler));
        if mounted != app && !server.middleware[mounted].is_empty() {
            return through(server, mounted, 0, inbound).await;
        }
    }
    let Inbound {
        parts,
        path,
        body,
        peer,
        forwarded,
        scope,
    } = inbound;
    let reads = match resolution {
        Resolution::Route(route) => server.router.routes[route as usize].body,
        _ => BodyRead::Skip,
    };
    let limits = match resolution {
        Resolution::Route(route) => server.limits.for_route(route as usize),
        _ => server.limits.default,
    };
    let read = match request_body::read(reads, &parts, body, limits).await {
        Ok(read) => read,
        Err(refused) => return refused,
    };
    let mut request = Request::new(parts, path, peer.local, peer.client, read.bytes)
        .forwarded(forwarded.scheme, forwarded.client)
        .under_root_path(server.root_path)
        .in_scope(scope);
    if let Some(form) = read.form {
        request = request.with_form(form);
    }
    let mut response = match resolution {
        Resolution::Route(route) => {
            let route = server.router.routes[route as usize];
            let is_async = server.app.handlers[route.handler].is_async;
            call_route(Call::new(route, request, captures), is_async).await
        }
        Resolution::MethodNotAllowed(route) => routing_error(server, &request, Some(route), app).await,
        Resolution::NotFound if app == 0 => not_found(server, &request, &|_| true, 0).await,
        // A mounted application's middleware moved the path out of it.
        Resolution::NotFound => {
            not_found(
                server,
                &request,
                &|route| own(route) && !routes[route as usize].boundary,
                app,
            )
            .await
        }
        Resolution::Boundary(boundary) => {
            // Under a mounted application's path: its own routes decide
            // (Starlette's `Mount` hands it the request), never a later one.
            let mounted = calls::app_of(Some(routes[boundary as usize].handler));
            let mounted_own = |route: u16| {
                !routes[route as usize].boundary
                    && calls::app_of(Some(routes[route as usize].handler)) == mounted
            };
            let mut ignored = Captures::default();
            match server
                .router
                .find_among(request.method(), request.path(), &mut ignored, &mounted_own)
            {
                Resolution::MethodNotAllowed(route) => {
                    routing_error(server, &request, Some(route), mounted).await
                }
                _ => not_found(server, &request, &mounted_own, mounted).await,
            }
        }
    };
    if read.close {
        response::close_connection(&mut response);
    }
    response
}

/// A path no route (of those `own` accepts) matches: Starlette's slash
/// redirect if the path with its trailing slash toggled matches one, else
/// application `app`'s 404.
async fn not_found(
    server: &'static Server,
    request: &Request,
    own: &dyn Fn(u16) -> bool,
    app: usize,
) -> Response {
    match server
        .router
        .slash_redirect(request.method(), request.path(), own)
    {
        Some(path) => response::redirect(&routing::redirect_location(
            request.scheme(),
            request.host(),
            request.local_addr(),
            &format!("{}{path}", server.root_path),
            request.raw_query(),
        )),
        None => routing_error(server, request, None, app).await,
    }
}

/// Application `app`'s 404, or 405 with the `Allow` of the route whose path
/// matched (`partial`).
async fn routing_error(
    server: &'static Server,
    request: &Request,
    partial: Option<u16>,
    app: usize,
) -> Response {
    let allow = partial.map(|route| server.router.routes[route as usize].allow);
    with_background(
        settle(rendering::routing_error(request, allow, app)).await,
        request,
    )
}

/// Starts the background of an exception handler's answer to a routing
/// error (a handled request's is started by `call_route`).
fn with_background(mut response: Response, request: &Request) -> Response {
    if let Some(tasks) = response::take_background(&mut response) {
        spawn_background(tasks, None, request.line());
    }
    response
}
