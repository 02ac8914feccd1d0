//! The byte stream hyper serves: an accepted TCP or Unix socket, with a
//! write timeout.
//!
//! A client that stops reading a response would otherwise hold its
//! connection, and the part of the response not yet written, for ever
//! (ten clients not reading a 20 MiB response held 200 MiB). As nginx's
//! `send_timeout`, the timeout runs between two successful writes: a
//! write that can make no progress for `--timeout-write` fails, hyper
//! drops (resets) the connection, and the response with it. A write that completes
//! at once, the usual case, costs one branch.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

use super::listener::Socket;

pub struct Transport {
    socket: Socket,
    write_timeout: Duration,
    /// Armed when a write could not proceed; cleared by the next that does.
    stalled: Option<Pin<Box<Sleep>>>,
}

impl Transport {
    pub fn new(socket: Socket, write_timeout: Duration) -> Self {
        Transport {
            socket,
            write_timeout,
            stalled: None,
        }
    }

    /// Turns a write's `Pending` into a timeout error once the client has
    /// taken nothing for `write_timeout`.
    fn watch<T>(&mut self, polled: Poll<io::Result<T>>, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        if polled.is_ready() {
            self.stalled = None;
            return polled;
        }
        let timeout = self.write_timeout;
        let stalled = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match stalled.as_mut().poll(cx) {
            Poll::Ready(()) => {
                // Reset rather than close (nginx's
                // `reset_timedout_connection`): a closed socket would keep
                // the unsent part in the kernel until the client reads it.
                if let Socket::Tcp(stream) = &self.socket {
                    let _ = rustix::net::sockopt::set_socket_linger(stream, Some(Duration::ZERO));
                }
                Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "the client stopped reading the response",
                )))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Whether a connection's error is a write timeout (ordinary, not logged:
/// the client went away without saying so).
pub fn is_write_timeout(err: &hyper::Error) -> bool {
    use std::error::Error;
    err.source()
        .and_then(|source| source.downcast_ref::<io::Error>())
        .is_some_and(|err| err.kind() == io::ErrorKind::TimedOut)
}

impl AsyncRead for Transport {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        match &mut self.get_mut().socket {
            Socket::Tcp(stream) => Pin::new(stream).poll_read(cx, buf),
            Socket::Unix(stream) => Pin::new(stream).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Transport {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = match &mut this.socket {
            Socket::Tcp(stream) => Pin::new(stream).poll_write(cx, buf),
            Socket::Unix(stream) => Pin::new(stream).poll_write(cx, buf),
        };
        this.watch(polled, cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = match &mut this.socket {
            Socket::Tcp(stream) => Pin::new(stream).poll_write_vectored(cx, bufs),
            Socket::Unix(stream) => Pin::new(stream).poll_write_vectored(cx, bufs),
        };
        this.watch(polled, cx)
    }

    fn is_write_vectored(&self) -> bool {
        match &self.socket {
            Socket::Tcp(stream) => stream.is_write_vectored(),
            Socket::Unix(stream) => stream.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let polled = match &mut this.socket {
            Socket::Tcp(stream) => Pin::new(stream).poll_flush(cx),
            Socket::Unix(stream) => Pin::new(stream).poll_flush(cx),
        };
        this.watch(polled, cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let polled = match &mut this.socket {
            Socket::Tcp(stream) => Pin::new(stream).poll_shutdown(cx),
            Socket::Unix(stream) => Pin::new(stream).poll_shutdown(cx),
        };
        this.watch(polled, cx)
    }
}

/// The answer to a request whose headers did not arrive within the
/// timeout (nginx's status), written straight to the socket: hyper closes
/// such a connection without answering. A constant, with no date: it is
/// written once per slow client, and it closes the connection.
pub const REQUEST_TIMEOUT: &[u8] =
    b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
