//! One HTTP request: routed, its body read as the route needs it, then
//! handed to the route (`route_call`) or answered as a routing error.

use std::net::SocketAddr;

use http_body_util::BodyExt;
use hyper::body::Incoming;

use super::access_log::RequestLine;
use super::connections::InFlight;
use super::{http_rules, Server};
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
    let _in_flight = InFlight::start();
    let (parts, body) = request.into_parts();
    let line = RequestLine::of(&parts);
    let response = if http_rules::violation(&parts).is_some() {
        response::invalid_request()
    } else {
        respond(server, parts, body, local, peer).await
    };
    if let Some(line) = line {
        line.answered(peer, response.status());
    }
    Ok(response)
}

async fn respond(
    server: &'static Server,
    parts: hyper::http::request::Parts,
    mut body: Incoming,
    local: SocketAddr,
    peer: SocketAddr,
) -> Response {
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
            Err(_) => return response::bad_request("There was an error parsing the body"),
        },
        BodyRead::Form => {
            // Parsed as it arrives, large files spooled to disk. Boxed: the
            // parser's state would otherwise enlarge every request's future.
            form = Some(Box::pin(crate::extraction::form::read(&parts.headers, body)).await);
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
                request.host(),
                request.local_addr(),
                &path,
                request.raw_query(),
            )),
            None => settle(rendering::routing_error(&request, None)).await,
        },
    };
    response
}
