//! Descriptors a process inherits: from its supervisor, the listening
//! socket every worker accepts on and the write end of a pipe on which it
//! says it is ready (their numbers come in environment variables); from
//! whatever started it, the socket `--fd` names. Taking ownership of a
//! descriptor by number is the one unsafe operation here.

use std::os::fd::{BorrowedFd, FromRawFd, OwnedFd, RawFd};

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
pub fn listener() -> Option<OwnedFd> {
    take(LISTENER_VARIABLE)
}

/// The descriptor `--fd` names, if it is open (once per process: the
/// command line is read once).
pub fn descriptor(number: RawFd) -> Option<OwnedFd> {
    if number < 0 {
        return None;
    }
    // SAFETY: the descriptor is only borrowed for this one call, which asks
    // whether it is open; on a closed one fcntl fails with EBADF.
    let borrowed = unsafe { BorrowedFd::borrow_raw(number) };
    rustix::io::fcntl_getfd(borrowed).ok()?;
    // SAFETY: it is open (checked above) and was handed to this process to
    // own (`--fd`); the command line is read once, so it is taken once.
    let owned = unsafe { OwnedFd::from_raw_fd(number) };
    // Not passed on to programs the app starts.
    let _ = rustix::io::fcntl_setfd(&owned, rustix::io::FdFlags::CLOEXEC);
    Some(owned)
}

/// The readiness pipe a supervisor passed, in a worker process.
pub fn ready_pipe() -> Option<OwnedFd> {
    take(READY_VARIABLE)
}
