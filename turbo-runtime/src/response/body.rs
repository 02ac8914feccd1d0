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
//!
//! A stream is the sequence of ASGI body messages Starlette would send,
//! the last one marked: a `StreamingResponse`'s chunks then an empty last
//! one, a `FileResponse`'s 64 KiB reads with the short one last (or its
//! range and multipart pieces). GZip compresses message by message as
//! Starlette does, so its output depends on exactly these boundaries.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Frame, SizeHint};
use pyo3::prelude::*;
use tokio::sync::mpsc;

use crate::python::calls;
use crate::python::event_loop;

/// One body message of a stream (`more_body` is `!last`), or why the
/// stream stopped.
pub type Chunk = Result<Piece, std::io::Error>;

#[derive(Debug)]
pub struct Piece {
    pub data: Bytes,
    /// Starlette's `more_body: False`: nothing follows.
    pub last: bool,
}

/// Where a stream's messages come from.
enum Source {
    /// An async generator of bytes (`turboapi.responses.stream_chunks`).
    Python(Py<PyAny>),
    /// A file, in pieces (`FileResponse`).
    File(std::path::PathBuf, Vec<FilePart>),
}

/// A part of a `FileResponse`'s body, as Starlette sends it.
pub enum FilePart {
    /// Literal bytes (a multipart header), one message.
    Bytes(Bytes),
    /// Bytes `start..end` of the file (to its end when `end` is None), in
    /// messages of at most 64 KiB.
    Range(u64, Option<u64>),
}

pub enum Body {
    /// A whole body; `None` once sent (or if empty).
    Whole(Option<Bytes>),
    /// Boxed: a response moves through the request path by value, and most
    /// are whole.
    Stream(Box<Stream>),
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

/// What drives a stream: the async generator of its chunks, the
/// response's background to run after it, and what else runs after it.
pub struct Producer {
    source: Source,
    background: Option<Py<PyAny>>,
    sender: mpsc::Sender<Chunk>,
    /// The request's context (FastAPI streams in the request's task), or
    /// none: a fresh one.
    context: Option<Py<PyAny>>,
    /// The request-scope `yield` dependencies still open
    /// (`turboapi._dependencies.RequestScope`): FastAPI closes them after
    /// the response, stream included.
    request_scope: Option<Py<PyAny>>,
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
        Self::produced(Source::Python(chunks), background)
    }

    /// A file's `parts`, read as they are sent, then `background`.
    pub fn file(path: std::path::PathBuf, parts: Vec<FilePart>, background: Option<Py<PyAny>>) -> Self {
        Self::produced(Source::File(path, parts), background)
    }

    fn produced(source: Source, background: Option<Py<PyAny>>) -> Self {
        let (sender, receiver) = mpsc::channel(1);
        Body::Stream(Box::new(Stream {
            pending: None,
            chunks: receiver,
            producer: Some(Producer {
                source,
                background,
                sender,
                context: None,
                request_scope: None,
            }),
        }))
    }

    /// A stream whose chunks come from `chunks` (a middleware's pipeline).
    pub fn from_chunks(chunks: mpsc::Receiver<Chunk>) -> Self {
        Body::Stream(Box::new(Stream {
            pending: None,
            chunks,
            producer: None,
        }))
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

    /// FastAPI's `if raw_response.background is None`: the request's
    /// `BackgroundTasks` run after the stream unless the response has its
    /// own background.
    pub fn default_background(&mut self, tasks: Py<PyAny>) {
        if let Some(producer) = &mut self.producer {
            producer.background.get_or_insert(tasks);
        }
    }

    /// The stream runs in the request's `context` and closes its
    /// `request_scope` when it ends; set before it starts.
    pub fn belongs_to(&mut self, context: Option<Py<PyAny>>, request_scope: Option<Py<PyAny>>) {
        if let Some(producer) = &mut self.producer {
            producer.context = context.or(producer.context.take());
            producer.request_scope = request_scope.or(producer.request_scope.take());
        }
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
                    Some(Ok(piece)) if piece.data.is_empty() => {}
                    Some(chunk) => return Poll::Ready(Some(chunk.map(|piece| Frame::data(piece.data)))),
                    None => {}
                }
                stream.start();
                loop {
                    match stream.chunks.poll_recv(cx) {
                        // An empty message writes nothing (uvicorn skips it).
                        Poll::Ready(Some(Ok(piece))) if piece.data.is_empty() => continue,
                        Poll::Ready(Some(chunk)) => {
                            return Poll::Ready(Some(chunk.map(|piece| Frame::data(piece.data))))
                        }
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

impl Drop for Stream {
    /// A stream never started (a HEAD request, or the client left first):
    /// its request-scope dependencies are closed all the same.
    fn drop(&mut self) {
        let Some(request_scope) = self.producer.as_mut().and_then(|p| p.request_scope.take()) else {
            return;
        };
        Python::attach(|py| {
            let abandoned = request_scope
                .bind(py)
                .call_method0(pyo3::intern!(py, "abandon"))
                .and_then(|closing| {
                    for coroutine in closing.try_iter()? {
                        event_loop::schedule(&coroutine?)?;
                    }
                    Ok(())
                });
            if let Err(err) = abandoned {
                calls::log_exception(py, "exception while closing an abandoned dependency", &err);
            }
        });
    }
}

/// Sends a stream's messages, one per turn of the channel, then runs the
/// background if the stream ended (not if the client went away or it
/// failed, as Starlette's response raises then), then closes the
/// request's scope (as FastAPI's request `AsyncExitStack` does, with the
/// background's exception if it raised).
async fn produce(producer: Producer) {
    let Producer {
        source,
        background,
        sender,
        context,
        request_scope,
    } = producer;
    let context = match context.map_or_else(|| Python::attach(event_loop::new_context), Ok) {
        Ok(context) => context,
        Err(err) => {
            Python::attach(|py| calls::log_exception(py, "cannot stream the response", &err));
            return;
        }
    };
    let ended = match source {
        Source::Python(chunks) => from_python(&chunks, &context, &sender).await,
        Source::File(path, parts) => from_file(&path, parts, &sender).await,
    };
    drop(sender);
    if let Some(request_scope) = request_scope {
        let closed = event_loop::awaited(
            |py| {
                let background = background.as_ref().map(|b| b.clone_ref(py));
                request_scope
                    .bind(py)
                    .call_method1(pyo3::intern!(py, "close"), (background, ended))
            },
            &context,
        )
        .await;
        if let Err(err) = closed {
            // The response has started: uvicorn logs what the app raises.
            Python::attach(|py| calls::log_exception(py, "exception in ASGI application", &err));
        }
    } else if let (true, Some(background)) = (ended, background) {
        if let Err(err) = event_loop::awaited(|py| background.bind(py).call0(), &context).await {
            Python::attach(|py| calls::log_exception(py, "exception in a background task", &err));
        }
    }
}

/// Steps the chunks' async generator on the event loop; an empty last
/// message after the last chunk; closes the generator if the client went
/// away. Whether the stream ended.
async fn from_python(chunks: &Py<PyAny>, context: &Py<PyAny>, sender: &mpsc::Sender<Chunk>) -> bool {
    loop {
        let next = event_loop::awaited(
            |py| chunks.bind(py).call_method0(pyo3::intern!(py, "__anext__")),
            context,
        )
        .await;
        let chunk = Python::attach(|py| match next {
            Ok(value) => value.bind(py).extract::<Vec<u8>>().map(Some),
            Err(err) if err.is_instance_of::<pyo3::exceptions::PyStopAsyncIteration>(py) => Ok(None),
            Err(err) => match calls::deferred_stream_error(py, &err) {
                // FastAPI ends such a stream cleanly; the error comes after.
                Some(error) => {
                    calls::log_exception(py, "exception in ASGI application", &error);
                    Ok(None)
                }
                None => Err(err),
            },
        });
        let piece = match chunk {
            Ok(Some(chunk)) => Piece {
                data: Bytes::from(chunk),
                last: false,
            },
            Ok(None) => {
                let last = Piece {
                    data: Bytes::new(),
                    last: true,
                };
                return sender.send(Ok(last)).await.is_ok();
            }
            Err(err) => {
                Python::attach(|py| calls::log_exception(py, "exception while streaming a response", &err));
                let _ = sender
                    .send(Err(std::io::Error::other("the response stream raised")))
                    .await;
                return false;
            }
        };
        if sender.send(Ok(piece)).await.is_err() {
            // The client went away: close the iterator.
            let _ = event_loop::awaited(
                |py| chunks.bind(py).call_method0(pyo3::intern!(py, "aclose")),
                context,
            )
            .await;
            return false;
        }
    }
}

/// Starlette's `FileResponse` chunk size.
const FILE_CHUNK: u64 = 64 * 1024;

/// Reads a file's parts as Starlette sends them: a range in reads of at
/// most 64 KiB, the last message the one after which nothing follows (a
/// short read of a whole file, possibly empty; the end of a single range;
/// a multipart body's closing boundary). Whether the file was sent.
async fn from_file(path: &std::path::Path, parts: Vec<FilePart>, sender: &mpsc::Sender<Chunk>) -> bool {
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    let mut file = match tokio::fs::File::open(path).await {
        Ok(file) => file,
        Err(err) => {
            let _ = sender.send(Err(err)).await;
            return false;
        }
    };
    let count = parts.len();
    for (index, part) in parts.into_iter().enumerate() {
        let final_part = index + 1 == count;
        let (mut start, end) = match part {
            FilePart::Bytes(data) => {
                let piece = Piece {
                    data,
                    last: final_part,
                };
                if sender.send(Ok(piece)).await.is_err() {
                    return false;
                }
                continue;
            }
            FilePart::Range(start, end) => (start, end),
        };
        if let Err(err) = file.seek(std::io::SeekFrom::Start(start)).await {
            let _ = sender.send(Err(err)).await;
            return false;
        }
        loop {
            let want = end.map_or(FILE_CHUNK, |end| FILE_CHUNK.min(end.saturating_sub(start)));
            let mut data = vec![0; usize::try_from(want).unwrap_or(0)];
            let mut read = 0;
            // A full read, as anyio's `read(n)` of a regular file gives.
            while read < data.len() {
                match file.read(&mut data[read..]).await {
                    Ok(0) => break,
                    Ok(n) => read += n,
                    Err(err) => {
                        let _ = sender.send(Err(err)).await;
                        return false;
                    }
                }
            }
            data.truncate(read);
            start += read as u64;
            let more = read as u64 == FILE_CHUNK && end.is_none_or(|end| start < end);
            let piece = Piece {
                data: Bytes::from(data),
                last: final_part && !more,
            };
            if sender.send(Ok(piece)).await.is_err() {
                return false;
            }
            if !more {
                break;
            }
        }
    }
    true
}
