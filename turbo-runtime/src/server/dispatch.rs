//! One HTTP request: routed, its body read as the route needs it, then
//! handed to the route (`route_call`) or answered as a routing error.

use std::net::SocketAddr;

use hyper::body::Incoming;

use super::access_log::RequestLine;
use super::connections::InFlight;
use super::proxy_headers::Forwarded;
use super::{http_rules, request_body, Server};
use crate::extraction::request::{Call, Request};
use crate::response::rendering;
use crate::response::{self, Response};
use crate::routing::{self, Resolution};
use crate::server::route_call::{call_route, settle};
use crate::spec::BodyRead;
use crate::template::Captures;

pub(super) async fn handle(
    server: &'static Server,
    request: hyper::Request<Incoming>,
    local: SocketAddr,
    peer: SocketAddr,
) -> Result<Response, std::convert::Infallible> {
    let in_flight = InFlight::start();
    let (parts, body) = request.into_parts();
    let line = RequestLine::of(&parts);
    let forwarded = server
        .proxies
        .as_ref()
        .map(|proxies| proxies.forwarded(&parts.headers, peer))
        .unwrap_or_default();
    // The access log names the client as the app sees it (uvicorn's proxy
    // middleware rewrites the scope the log reads).
    let client = line.is_some().then(|| match &forwarded.client {
        Some((host, port)) => format!("{host}:{port}"),
        None => peer.to_string(),
    });
    let response = if in_flight.is_none() {
        let mut refused = response::service_unavailable();
        response::close_connection(&mut refused);
        refused
    } else if http_rules::violation(&parts).is_some() {
        response::invalid_request()
    } else if server.health_path.as_deref() == Some(parts.uri.path()) {
        response::healthy()
    } else {
        respond(server, parts, body, local, peer, forwarded).await
    };
    if let (Some(line), Some(client)) = (line, client) {
        line.answered(&client, response.status());
    }
    Ok(response)
}

async fn respond(
    server: &'static Server,
    parts: hyper::http::request::Parts,
    body: Incoming,
    local: SocketAddr,
    peer: SocketAddr,
    forwarded: Forwarded,
) -> Response {
    let path = routing::decode_path(parts.uri.path()).into_owned();
    let mut captures = Captures::default();
    let resolution = server.router.find(parts.method.as_str(), &path, &mut captures);
    let reads = match resolution {
        Resolution::Route(route) => server.router.routes[route as usize].body,
        _ => BodyRead::Skip,
    };
    let read = match request_body::read(reads, &parts, body, server.limits).await {
        Ok(read) => read,
        Err(refused) => return refused,
    };
    let mut request = Request::new(parts, path, local, Some(peer), read.bytes)
        .forwarded(forwarded.scheme, forwarded.client);
    if let Some(form) = read.form {
        request = request.with_form(form);
    }
    let mut response = match resolution {
        Resolution::Route(route) => {
            let route = server.router.routes[route as usize];
            let is_async = server.app.handlers[route.handler].is_async;
            call_route(
                Call {
                    route,
                    request,
                    captures,
                },
                is_async,
            )
            .await
        }
        Resolution::MethodNotAllowed(route) => {
            let allow = server.router.routes[route as usize].allow;
            settle(rendering::routing_error(&request, Some(allow))).await
        }
        Resolution::NotFound => match server.router.slash_redirect(request.method(), request.path()) {
            Some(path) => response::redirect(&routing::redirect_location(
                request.scheme(),
                request.host(),
                request.local_addr(),
                &path,
                request.raw_query(),
            )),
            None => settle(rendering::routing_error(&request, None)).await,
        },
    };
    if read.close {
        response::close_connection(&mut response);
    }
    response
}
