//! Serves `/` and `/items/{item_id}?q=` with the JSON the bench app returns.

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

fn route(request: &Request<hyper::body::Incoming>) -> Response<Full<Bytes>> {
    let path = request.uri().path();
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
                let service = service_fn(|request| async move { Ok::<_, Infallible>(route(&request)) });
                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
}
