//! Shutdown on SIGINT/SIGTERM, noticed on a thread of its own.
//!
//! The I/O thread may be busy for seconds in a handler that holds the GIL
//! (a CPU-bound `def` run inline, or an `async def` that never yields);
//! signals are therefore received by a small thread that tells the I/O
//! thread to drain and, if the I/O thread has not finished when the grace
//! period (plus a second) is over, ends the process itself. A second
//! SIGINT ends it at once, as uvicorn does (a repeated SIGTERM does not:
//! a supervisor and systemd may both send one). The handlers are installed
//! before Python starts, so CPython's `signal` module leaves SIGINT alone
//! (it installs its KeyboardInterrupt handler only over the default one):
//! Ctrl-C never interrupts a running handler.

use std::time::Duration;

use tokio::sync::watch;

/// What the I/O thread waits on: the name of the signal once one came.
pub type Signalled = watch::Receiver<Option<&'static str>>;

/// Starts the signal thread. `grace` is how long the I/O thread has to
/// finish in-flight requests after the first signal.
pub fn watch_signals(grace: Duration) -> std::io::Result<Signalled> {
    let (sender, receiver) = watch::channel(None);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    // Registered here, before serving starts, so that no signal is lost.
    let mut signals = runtime.block_on(async {
        use tokio::signal::unix::{signal, SignalKind};
        Ok::<_, std::io::Error>((signal(SignalKind::interrupt())?, signal(SignalKind::terminate())?))
    })?;
    std::thread::Builder::new()
        .name("turbo-signals".to_owned())
        .spawn(move || {
            runtime.block_on(async move {
                let (interrupt, terminate) = &mut signals;
                let name = tokio::select! {
                    _ = interrupt.recv() => "SIGINT",
                    _ = terminate.recv() => "SIGTERM",
                };
                let _ = sender.send(Some(name));
                let deadline = tokio::time::sleep(grace + Duration::from_secs(1));
                tokio::pin!(deadline);
                loop {
                    tokio::select! {
                        () = &mut deadline => {
                            crate::log::log!(
                                Warning,
                                "turbo: a handler still holds the I/O thread {}s after {name}; exiting",
                                grace.as_secs()
                            );
                            break;
                        }
                        _ = interrupt.recv() => {
                            crate::log::log!(Info, "turbo: second SIGINT, exiting now");
                            break;
                        }
                        // As uvicorn: only a second Ctrl-C forces the exit (a
                        // supervisor and systemd may both send SIGTERM).
                        _ = terminate.recv() => {}
                    }
                }
                std::process::exit(1);
            })
        })?;
    Ok(receiver)
}

/// Completes with the signal's name once one came.
pub async fn signalled(mut receiver: Signalled) -> &'static str {
    loop {
        if let Some(name) = *receiver.borrow_and_update() {
            return name;
        }
        if receiver.changed().await.is_err() {
            // The signal thread is gone: never shut down by signal.
            std::future::pending::<()>().await;
        }
    }
}

/// Asks the I/O thread to drain and stop as on SIGTERM (`--max-requests`).
static STOP: tokio::sync::Notify = tokio::sync::Notify::const_new();

pub fn request_stop() {
    STOP.notify_one();
}

/// Completes once [`request_stop`] was called.
pub async fn stop_requested() {
    STOP.notified().await;
}
