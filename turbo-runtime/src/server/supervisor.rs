//! `--workers N`: a supervisor process and N worker processes.
//!
//! The supervisor never starts Python. It binds the listening socket once
//! and starts each worker as this same binary with the same arguments,
//! passing the socket (every worker accepts on it) and a pipe on which the
//! worker says it is ready (after its app imported). It prints the banner
//! once all are ready. A worker that dies is logged with its exit status
//! or signal and replaced, after a back-off when it died young; a worker
//! that exits before it is ready (the app does not import) stops
//! everything with exit status 1 and no respawn loop, as gunicorn does.
//! SIGTERM/SIGINT drain every worker (each drains as a single server
//! does); SIGHUP replaces the workers one at a time, each new one ready
//! before an old one is stopped.

use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::ExitStatusExt;
use std::process::{ExitCode, ExitStatus};
use std::time::{Duration, Instant};

use rustix::io::{fcntl_setfd, FdFlags};
use rustix::process::{kill_process, Pid, Signal};
use tokio::io::AsyncReadExt;
use tokio::process::{Child, Command};
use tokio::signal::unix::{signal, SignalKind};
use tokio::task::JoinSet;

use super::inherited::{LISTENER_VARIABLE, READY_VARIABLE};

/// A worker that lived less than this is restarted after a back-off.
const YOUNG: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Runs the supervisor until shutdown; `describe` is the banner's text.
pub fn run(
    listener: OwnedFd,
    workers: usize,
    grace: Duration,
    describe: impl FnOnce(&str) -> String,
) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("turbo: error: cannot start the supervisor: {err}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        match supervise(listener, workers, grace, describe).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("turbo: error: {message}");
                ExitCode::FAILURE
            }
        }
    })
}

struct Supervisor {
    listener: OwnedFd,
    /// Running workers' pids.
    running: Vec<u32>,
    /// Workers asked to stop (replaced after SIGHUP): not restarted.
    retiring: Vec<u32>,
    /// Each worker's exit, as (pid, status).
    exits: JoinSet<(u32, std::io::Result<ExitStatus>)>,
}

impl Supervisor {
    /// Starts a worker and waits until it is ready; `Err` if it exits first.
    async fn start(&mut self) -> Result<u32, String> {
        let (mut ready, ready_writer) = ready_pipe().map_err(|err| format!("cannot make a pipe: {err}"))?;
        let program = std::env::current_exe().map_err(|err| format!("cannot find this program: {err}"))?;
        let mut command = Command::new(program);
        command
            .args(std::env::args_os().skip(1))
            .env(LISTENER_VARIABLE, self.listener.as_raw_fd().to_string())
            .env(READY_VARIABLE, ready_writer.as_raw_fd().to_string())
            .kill_on_drop(false);
        let spawned = command.spawn();
        // Only that worker keeps the write end: its end of file says it died.
        drop(ready_writer);
        let mut child: Child = spawned.map_err(|err| format!("cannot start a worker: {err}"))?;
        let pid = child.id().unwrap_or(0);
        let mut byte = [0u8; 1];
        let became_ready = ready.read(&mut byte).await;
        if !matches!(became_ready, Ok(1)) {
            let status = child.wait().await;
            return Err(format!(
                "worker {pid} stopped before it was ready ({}); not restarting it",
                describe_exit(&status)
            ));
        }
        self.running.push(pid);
        self.exits.spawn(async move { (pid, child.wait().await) });
        Ok(pid)
    }

    /// [`Self::start`]; if the worker cannot start, the others are stopped.
    async fn start_or_stop_all(&mut self) -> Result<u32, String> {
        let started = self.start().await;
        if started.is_err() {
            self.signal_all(Signal::KILL);
        }
        started
    }

    fn signal_all(&self, signal: Signal) {
        for pid in &self.running {
            signal_worker(*pid, signal);
        }
    }
}

fn signal_worker(pid: u32, signal: Signal) {
    if let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) {
        let _ = kill_process(pid, signal);
    }
}

/// A pipe whose read end is async here and whose write end a worker
/// inherits (close-on-exec cleared).
fn ready_pipe() -> std::io::Result<(tokio::net::unix::pipe::Receiver, OwnedFd)> {
    let (read, write) = rustix::pipe::pipe()?;
    fcntl_setfd(&write, FdFlags::empty())?;
    let read = tokio::net::unix::pipe::Receiver::from_owned_fd(read)?;
    Ok((read, write))
}

fn describe_exit(status: &std::io::Result<ExitStatus>) -> String {
    match status {
        Ok(status) => match (status.code(), status.signal()) {
            (Some(code), _) => format!("exit status {code}"),
            (None, Some(signal)) => format!("killed by signal {signal}{}", signal_name(signal)),
            _ => "unknown status".to_owned(),
        },
        Err(err) => format!("cannot wait for it: {err}"),
    }
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        6 => " (SIGABRT)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        15 => " (SIGTERM)",
        _ => "",
    }
}

async fn supervise(
    listener: OwnedFd,
    workers: usize,
    grace: Duration,
    describe: impl FnOnce(&str) -> String,
) -> Result<(), String> {
    // Workers inherit the listening socket.
    fcntl_setfd(&listener, FdFlags::empty()).map_err(|err| format!("cannot share the socket: {err}"))?;
    let address = super::listener::describe(&listener);
    let (mut terminate, mut interrupt, mut hangup) = match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    ) {
        (Ok(terminate), Ok(interrupt), Ok(hangup)) => (terminate, interrupt, hangup),
        _ => return Err("cannot watch for signals".to_owned()),
    };
    let mut supervisor = Supervisor {
        listener,
        running: Vec::new(),
        retiring: Vec::new(),
        exits: JoinSet::new(),
    };
    for _ in 0..workers {
        supervisor.start_or_stop_all().await?;
    }
    println!(
        "{}",
        describe(&format!("{address} with {workers} worker processes"))
    );
    use std::io::Write;
    let _ = std::io::stdout().flush();

    let mut backoff = Duration::from_millis(100);
    let mut started_at = Instant::now();
    loop {
        tokio::select! {
            _ = terminate.recv() => return drain(supervisor, "SIGTERM", grace).await,
            _ = interrupt.recv() => return drain(supervisor, "SIGINT", grace).await,
            _ = hangup.recv() => {
                crate::log::log!(Info, "turbo: SIGHUP, replacing the workers one at a time");
                let old = supervisor.running.clone();
                for pid in old {
                    supervisor.start_or_stop_all().await?;
                    supervisor.retiring.push(pid);
                    signal_worker(pid, Signal::TERM);
                }
            }
            Some(exited) = supervisor.exits.join_next() => {
                let Ok((pid, status)) = exited else { continue };
                supervisor.running.retain(|running| *running != pid);
                if let Some(at) = supervisor.retiring.iter().position(|retired| *retired == pid) {
                    // A worker replaced after SIGHUP has stopped.
                    supervisor.retiring.swap_remove(at);
                    continue;
                }
                crate::log::log!(Warning, "turbo: worker {pid} stopped ({}); starting another", describe_exit(&status));
                if started_at.elapsed() < YOUNG {
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                } else {
                    backoff = Duration::from_millis(100);
                }
                started_at = Instant::now();
                supervisor.start_or_stop_all().await?;
            }
        }
    }
}

/// Stops every worker as a single server stops, then returns.
async fn drain(mut supervisor: Supervisor, signal: &str, grace: Duration) -> Result<(), String> {
    crate::log::log!(
        Info,
        "turbo: {signal}, stopping {} workers",
        supervisor.running.len()
    );
    supervisor.signal_all(Signal::TERM);
    // Each worker enforces the grace period itself; this is the backstop.
    let all_stopped = async { while supervisor.exits.join_next().await.is_some() {} };
    if tokio::time::timeout(grace + Duration::from_secs(3), all_stopped)
        .await
        .is_err()
    {
        crate::log::log!(
            Warning,
            "turbo: workers still running after {}s; killing them",
            grace.as_secs()
        );
        supervisor.signal_all(Signal::KILL);
    }
    Ok(())
}
