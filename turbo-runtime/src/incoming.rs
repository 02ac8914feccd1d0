//! A request's body as the server reads it: from the connection, or whole
//! from Python (an ASGI middleware read it from its `receive` and passed
//! the request on, `server/asgi/`). The body readers
//! (`server/request_body.rs`, the form parser) take either.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};

pub enum RequestBody {
    Connection(Incoming),
    /// Already read; `None` once taken.
    Read(Option<Bytes>),
}

impl RequestBody {
    pub fn read(bytes: Bytes) -> Self {
        RequestBody::Read((!bytes.is_empty()).then_some(bytes))
    }
}

impl Body for RequestBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match self.get_mut() {
            RequestBody::Connection(incoming) => Pin::new(incoming).poll_frame(cx),
            RequestBody::Read(bytes) => Poll::Ready(bytes.take().map(|bytes| Ok(Frame::data(bytes)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            RequestBody::Connection(incoming) => incoming.is_end_stream(),
            RequestBody::Read(bytes) => bytes.is_none(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            RequestBody::Connection(incoming) => incoming.size_hint(),
            RequestBody::Read(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
        }
    }
}
