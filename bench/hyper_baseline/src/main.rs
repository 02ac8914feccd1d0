//! Serves the bench app's routes with the JSON it returns: `/`,
//! `/items/{item_id}?q=`, `/search?q=&page=&size=` (with its bounds) and
//! `POST /items` (a JSON body parsed and re-serialized with serde), and
//! `/deps?q=&skip=&limit=` (what the app's two dependencies compute).

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

fn json(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

#[derive(serde::Deserialize, serde::Serialize)]
struct Item {
    name: String,
    price: f64,
    #[serde(default = "one")]
    quantity: i64,
}

fn one() -> i64 {
    1
}

fn query_value<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query.split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == key).map(|(_, v)| v)
}

fn search(query: &str) -> Response<Full<Bytes>> {
    let q = query_value(query, "q").filter(|q| !q.is_empty() && q.len() <= 50);
    let page = query_value(query, "page").map_or(Some(1), |p| p.parse::<i64>().ok().filter(|p| (1..=1000).contains(p)));
    let size = query_value(query, "size").map_or(Some(10), |s| s.parse::<i64>().ok().filter(|s| (1..=100).contains(s)));
    match (q, page, size) {
        (Some(q), Some(page), Some(size)) => {
            json(StatusCode::OK, format!(r#"{{"q":"{q}","page":{page},"size":{size}}}"#))
        }
        _ => json(StatusCode::UNPROCESSABLE_ENTITY, r#"{"detail":"invalid"}"#.to_owned()),
    }
}

/// `/deps` (`last` is `"env":"bench"`) and `/deps-yield` (`"open":true`).
fn with_dependencies(query: &str, last: &str) -> Response<Full<Bytes>> {
    let q = query_value(query, "q");
    let skip = query_value(query, "skip").map_or(Some(0), |s| s.parse::<i64>().ok());
    let limit = query_value(query, "limit").map_or(Some(10), |l| l.parse::<i64>().ok());
    match (q, skip, limit) {
        (Some(q), Some(skip), Some(limit)) => json(
            StatusCode::OK,
            format!(r#"{{"q":"{q}","skip":{skip},"limit":{limit},{last}}}"#),
        ),
        _ => json(StatusCode::UNPROCESSABLE_ENTITY, r#"{"detail":"invalid"}"#.to_owned()),
    }
}

fn create_item(body: &[u8]) -> Response<Full<Bytes>> {
    match serde_json::from_slice::<Item>(body) {
        Ok(item) => json(StatusCode::OK, serde_json::to_string(&item).unwrap_or_default()),
        Err(_) => json(StatusCode::UNPROCESSABLE_ENTITY, r#"{"detail":"invalid"}"#.to_owned()),
    }
}

fn route(request: &Request<hyper::body::Incoming>) -> Response<Full<Bytes>> {
    let path = request.uri().path();
    if path == "/search" {
        return search(request.uri().query().unwrap_or(""));
    }
    if path == "/deps" {
        return with_dependencies(request.uri().query().unwrap_or(""), r#""env":"bench""#);
    }
    if path == "/deps-yield" {
        return with_dependencies(request.uri().query().unwrap_or(""), r#""open":true"#);
    }
    if path == "/" {
        return json(StatusCode::OK, r#"{"message":"Hello, World"}"#.to_owned());
    }
    let id = path.strip_prefix("/items/").or_else(|| path.strip_prefix("/async/items/"));
    if let Some(Ok(id)) = id.map(str::parse::<i64>) {
        let q = request
            .uri()
            .query()
            .and_then(|query| query.split('&').find_map(|pair| pair.strip_prefix("q=")));
        let q = match q {
            Some(q) => format!("\"{q}\""),
            None => "null".to_owned(),
        };
        return json(StatusCode::OK, format!(r#"{{"item_id":{id},"q":{q}}}"#));
    }
    json(StatusCode::NOT_FOUND, r#"{"detail":"Not Found"}"#.to_owned())
}

fn main() {
    let port: u16 = std::env::args().nth(1).and_then(|p| p.parse().ok()).unwrap_or(8002);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        println!("hyper-baseline on http://{}", listener.local_addr().unwrap());
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let service = service_fn(|request: Request<hyper::body::Incoming>| async move {
                    if request.method() == hyper::Method::POST && request.uri().path() == "/items" {
                        use http_body_util::BodyExt;
                        let body = request.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
                        return Ok::<_, Infallible>(create_item(&body));
                    }
                    Ok::<_, Infallible>(route(&request))
                });
                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
}
