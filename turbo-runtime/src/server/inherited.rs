//! Descriptors a worker process inherits from its supervisor: the
//! listening socket every worker accepts on, and the write end of a pipe
//! on which it says it is ready. Their numbers come in environment
//! variables; taking ownership of a descriptor by number is the one
//! unsafe operation here.

use std::os::fd::{FromRawFd, OwnedFd, RawFd};

/// The listening socket's descriptor, for workers.
pub const LISTENER_VARIABLE: &str = "TURBO_WORKER_LISTENER_FD";
/// The readiness pipe's descriptor, for workers.
pub const READY_VARIABLE: &str = "TURBO_WORKER_READY_FD";

/// The descriptor named by `variable`, taken over (once per process).
fn take(variable: &str) -> Option<OwnedFd> {
    let number: RawFd = std::env::var(variable).ok()?.parse().ok()?;
    // Read once, at start-up before other threads run: a second call must
    // not own it again.
    std::env::remove_var(variable);
    // SAFETY: the supervisor opened this descriptor, cleared its
    // close-on-exec flag and passed its number to this process only, which
    // takes it once (the variable is removed above), so it is open, of the
    // expected kind, and owned by nothing else here.
    Some(unsafe { OwnedFd::from_raw_fd(number) })
}

/// The listener a supervisor passed, in a worker process.
pub fn listener() -> Option<std::net::TcpListener> {
    take(LISTENER_VARIABLE).map(std::net::TcpListener::from)
}

/// The readiness pipe a supervisor passed, in a worker process.
pub fn ready_pipe() -> Option<OwnedFd> {
    take(READY_VARIABLE)
}
