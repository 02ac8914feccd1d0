//! A response's body: whole (every response turbo builds, and those a
//! handler returns with a `body`), or streamed from a `StreamingResponse`'s
//! iterator.
//!
//! A stream's chunks come from a task on the I/O thread that drives the
//! iterator (`turboapi.responses.stream_chunks`, an async generator) one
//! chunk at a time on the event loop and hands each to hyper through a
//! channel of one: the iterator is asked for the next chunk only when the
//! client has taken the one before, so a slow client never makes the
//! server buffer the stream. When the client goes away hyper drops the
//! body, the task's send fails, and it closes the iterator (its `finally`
//! blocks run). A stream that raises is logged and the connection is
//! closed without its last chunk, as uvicorn does. The response's
//! background runs once the stream has ended, as in Starlette.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Frame, SizeHint};
use pyo3::prelude::*;
use tokio::sync::mpsc;

use crate::python::event_loop::{self, Started};

/// One chunk of a stream, or why it stopped.
pub type Chunk = Result<Bytes, std::io::Error>;

pub enum Body {
    /// A whole body; `None` once sent (or if empty).
    Whole(Option<Bytes>),
    Stream(Stream),
}

pub struct Stream {
    /// A chunk taken and put back (a middleware looked at it).
    pending: Option<Chunk>,
    chunks: mpsc::Receiver<Chunk>,
    /// The task that will produce the chunks, started on the first poll
    /// (on the I/O thread, where hyper polls bodies) or by a middleware
    /// that needs the first chunk.
    producer: Option<Producer>,
}

/// What drives a stream: the async generator of its chunks, and the
/// response's background to run after it.
pub struct Producer {
    chunks: Py<PyAny>,
    background: Option<Py<PyAny>>,
    sender: mpsc::Sender<Chunk>,
}

impl Body {
    pub fn whole(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        Body::Whole((!bytes.is_empty()).then_some(bytes))
    }

    pub fn empty() -> Self {
        Body::Whole(None)
    }

    /// A stream of `chunks` (an async iterator of bytes), then `background`.
    pub fn stream(chunks: Py<PyAny>, background: Option<Py<PyAny>>) -> Self {
        let (sender, receiver) = mpsc::channel(1);
        Body::Stream(Stream {
            pending: None,
            chunks: receiver,
            producer: Some(Producer {
                chunks,
                background,
                sender,
            }),
        })
    }

    /// A stream whose chunks come from `chunks` (a middleware's pipeline).
    pub fn from_chunks(chunks: mpsc::Receiver<Chunk>) -> Self {
        Body::Stream(Stream {
            pending: None,
            chunks,
            producer: None,
        })
    }
}

impl Stream {
    /// Starts the producer now (on the I/O thread), if not yet started.
    pub fn start(&mut self) {
        if let Some(producer) = self.producer.take() {
            tokio::task::spawn_local(produce(producer));
        }
    }

    /// The next chunk (`None` at the end), starting the producer if needed.
    pub async fn next(&mut self) -> Option<Chunk> {
        if let Some(chunk) = self.pending.take() {
            return Some(chunk);
        }
        self.start();
        self.chunks.recv().await
    }

    /// Gives back a chunk [`Self::next`] returned: it comes first again.
    pub fn put_back(&mut self, chunk: Chunk) {
        self.pending = Some(chunk);
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match self.get_mut() {
            Body::Whole(bytes) => Poll::Ready(bytes.take().map(|bytes| Ok(Frame::data(bytes)))),
            Body::Stream(stream) => {
                match stream.pending.take() {
                    Some(Ok(chunk)) if chunk.is_empty() => {}
                    Some(chunk) => return Poll::Ready(Some(chunk.map(Frame::data))),
                    None => {}
                }
                stream.start();
                loop {
                    match stream.chunks.poll_recv(cx) {
                        // An empty chunk writes nothing (uvicorn skips it).
                        Poll::Ready(Some(Ok(chunk))) if chunk.is_empty() => continue,
                        Poll::Ready(Some(chunk)) => return Poll::Ready(Some(chunk.map(Frame::data))),
                        Poll::Ready(None) => return Poll::Ready(None),
                        Poll::Pending => return Poll::Pending,
                    }
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Body::Whole(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Whole(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |bytes| bytes.len() as u64)),
            Body::Stream(_) => SizeHint::default(),
        }
    }
}

/// Drives the chunks' async generator on the event loop, one chunk per
/// turn of the channel; closes it if the client went away; runs the
/// background after a stream that ended.
async fn produce(producer: Producer) {
    let Producer {
        chunks,
        background,
        sender,
    } = producer;
    let context = match Python::attach(event_loop::new_context) {
        Ok(context) => context,
        Err(err) => {
            Python::attach(|py| crate::python::calls::log_exception(py, "cannot stream the response", &err));
            return;
        }
    };
    loop {
        let next = awaited(
            |py| chunks.bind(py).call_method0(pyo3::intern!(py, "__anext__")),
            &context,
        )
        .await;
        let chunk = Python::attach(|py| match next {
            Ok(value) => value.bind(py).extract::<Vec<u8>>().map(Some),
            Err(err) if err.is_instance_of::<pyo3::exceptions::PyStopAsyncIteration>(py) => Ok(None),
            Err(err) => Err(err),
        });
        match chunk {
            Ok(Some(chunk)) => {
                if sender.send(Ok(Bytes::from(chunk))).await.is_err() {
                    // The client went away: close the iterator.
                    let _ = awaited(
                        |py| chunks.bind(py).call_method0(pyo3::intern!(py, "aclose")),
                        &context,
                    )
                    .await;
                    return;
                }
            }
            Ok(None) => break,
            Err(err) => {
                Python::attach(|py| {
                    crate::python::calls::log_exception(py, "exception while streaming a response", &err)
                });
                let _ = sender
                    .send(Err(std::io::Error::other("the response stream raised")))
                    .await;
                return;
            }
        }
    }
    drop(sender);
    if let Some(background) = background {
        if let Err(err) = awaited(|py| background.bind(py).call0(), &context).await {
            Python::attach(|py| {
                crate::python::calls::log_exception(py, "exception in a background task", &err)
            });
        }
    }
}

/// Runs the coroutine `make` returns as a task of the loop in `context`;
/// its result.
async fn awaited(
    make: impl FnOnce(Python<'_>) -> PyResult<Bound<'_, PyAny>>,
    context: &Py<PyAny>,
) -> PyResult<Py<PyAny>> {
    let started = Python::attach(|py| event_loop::start(&make(py)?, context.bind(py)));
    let task = match started {
        Ok(Started::Finished(task)) => task,
        Ok(Started::Suspended(done)) => done
            .await
            .map_err(|_| pyo3::exceptions::PyRuntimeError::new_err("the asyncio loop dropped a coroutine"))?,
        Err(err) => return Err(err),
    };
    Python::attach(|py| event_loop::result(py, &task).map(Bound::unbind))
}
