//! The listening socket: bound here (`--host`/`--port`, `--uds`), passed
//! in (`--fd`, socket activation), or inherited from a supervisor.
//!
//! Until the I/O runtime runs it is a plain descriptor, so the supervisor
//! can share it and a worker can take it over; then it becomes a TCP or
//! Unix-socket [`Listener`] by what the kernel says it is.

use std::io;
use std::net::SocketAddr;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use rustix::net::{sockopt, AddressFamily, SocketAddrAny, SocketFlags, SocketType};
use tokio::net::{TcpListener, TcpStream, UnixListener, UnixStream};

/// A TCP listening socket with the given backlog (the standard library's
/// and tokio's `bind` fix it), close-on-exec; blocking, at start-up.
pub fn bind_tcp(host: &str, port: u16, backlog: u32) -> io::Result<OwnedFd> {
    use std::net::ToSocketAddrs;
    let mut last_error = None;
    for address in (host, port).to_socket_addrs()? {
        let family = if address.is_ipv4() {
            AddressFamily::INET
        } else {
            AddressFamily::INET6
        };
        let bound = rustix::net::socket_with(family, SocketType::STREAM, SocketFlags::CLOEXEC, None)
            .and_then(|socket| {
                sockopt::set_socket_reuseaddr(&socket, true)?;
                rustix::net::bind(&socket, &address)?;
                rustix::net::listen(&socket, backlog_of(backlog))?;
                Ok(socket)
            });
        match bound {
            Ok(socket) => return Ok(socket),
            Err(err) => last_error = Some(io::Error::from(err)),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::other("no address to listen on")))
}

/// A Unix-socket listener at `path`, as uvicorn's `--uds`: a socket file
/// left there by an earlier run is replaced (asyncio does the same), and
/// the new one is readable and writable by everyone (uvicorn's 0o666;
/// restrict access with the directory's permissions).
pub fn bind_unix(path: &Path, backlog: u32) -> io::Result<OwnedFd> {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    if let Ok(metadata) = std::fs::symlink_metadata(path) {
        if !metadata.file_type().is_socket() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "the path exists and is not a socket",
            ));
        }
        std::fs::remove_file(path)?;
    }
    let socket = rustix::net::socket_with(
        AddressFamily::UNIX,
        SocketType::STREAM,
        SocketFlags::CLOEXEC,
        None,
    )?;
    let address = rustix::net::SocketAddrUnix::new(path)?;
    rustix::net::bind(&socket, &address)?;
    rustix::net::listen(&socket, backlog_of(backlog))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o666))?;
    Ok(socket)
}

fn backlog_of(backlog: u32) -> i32 {
    i32::try_from(backlog).unwrap_or(i32::MAX)
}

/// Checks that a descriptor given with `--fd` is a listening stream socket.
pub fn check_listening(fd: &OwnedFd) -> io::Result<()> {
    match sockopt::socket_acceptconn(fd) {
        Ok(true) => Ok(()),
        Ok(false) => Err(io::Error::other("it is a socket that is not listening")),
        Err(err) => Err(io::Error::other(format!("it is not a listening socket ({err})"))),
    }
}

/// Where the server listens, as the banner says it (uvicorn's wording).
pub fn describe(fd: &OwnedFd) -> String {
    match rustix::net::getsockname(fd) {
        Ok(address) => match socket_address(&address) {
            Some(address) => format!("http://{address}"),
            None => match unix_path(&address) {
                Some(path) => format!("unix socket {}", path.display()),
                None => "an unnamed socket".to_owned(),
            },
        },
        Err(err) => format!("a socket whose address is unknown ({err})"),
    }
}

fn socket_address(address: &SocketAddrAny) -> Option<SocketAddr> {
    SocketAddr::try_from(address.clone()).ok()
}

fn unix_path(address: &SocketAddrAny) -> Option<PathBuf> {
    let unix = rustix::net::SocketAddrUnix::try_from(address.clone()).ok()?;
    unix.path()
        .map(|path| PathBuf::from(path.to_string_lossy().into_owned()))
}

/// A listening socket on the I/O runtime.
pub enum Listener {
    Tcp(TcpListener),
    Unix(UnixListener),
}

/// An accepted connection's socket.
pub enum Socket {
    Tcp(TcpStream),
    Unix(UnixStream),
}

/// A connection, with the addresses a request's scope reports
/// (`client`, `server`): none for a Unix socket, as uvicorn.
pub struct Accepted {
    pub socket: Socket,
    pub peer: Option<SocketAddr>,
    pub local: Option<SocketAddr>,
}

impl Listener {
    /// The descriptor as a TCP or Unix-socket listener (inside the runtime).
    pub fn from_fd(fd: OwnedFd) -> io::Result<Self> {
        let family = rustix::net::getsockname(&fd)?.address_family();
        if family == AddressFamily::UNIX {
            let listener = std::os::unix::net::UnixListener::from(fd);
            listener.set_nonblocking(true)?;
            Ok(Listener::Unix(UnixListener::from_std(listener)?))
        } else {
            let listener = std::net::TcpListener::from(fd);
            listener.set_nonblocking(true)?;
            Ok(Listener::Tcp(TcpListener::from_std(listener)?))
        }
    }

    pub async fn accept(&self) -> io::Result<Accepted> {
        match self {
            Listener::Tcp(listener) => {
                let (stream, peer) = listener.accept().await?;
                // Responses are written whole; Nagle would only delay them.
                let _ = stream.set_nodelay(true);
                let local = stream.local_addr().ok();
                Ok(Accepted {
                    socket: Socket::Tcp(stream),
                    peer: Some(peer),
                    local,
                })
            }
            Listener::Unix(listener) => {
                let (stream, _) = listener.accept().await?;
                Ok(Accepted {
                    socket: Socket::Unix(stream),
                    peer: None,
                    local: None,
                })
            }
        }
    }
}

/// Removes a Unix socket's file when the process that bound it stops.
pub struct SocketFile(pub Option<PathBuf>);

impl Drop for SocketFile {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}
