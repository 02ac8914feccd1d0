//! `--timeout` for workers (gunicorn's): a worker whose I/O thread has been
//! held by one piece of Python code (a CPU-bound handler, an `async def`
//! that never yields, an inline `def` that blocks before it is moved) for
//! longer than the timeout exits, and its supervisor replaces it. The I/O
//! thread beats once a second; a watchdog thread checks the beats.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Milliseconds since `START` at the I/O thread's last beat.
static LAST_BEAT: AtomicU64 = AtomicU64::new(0);
static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

fn now_ms() -> u64 {
    START.get_or_init(Instant::now).elapsed().as_millis() as u64
}

const BEAT: Duration = Duration::from_millis(500);

/// The I/O thread's beat: a task on its `LocalSet`.
pub async fn beat() {
    let mut every = tokio::time::interval(BEAT);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        LAST_BEAT.store(now_ms(), Ordering::Relaxed);
    }
}

/// Starts the watchdog: the process exits (status 1) when the I/O thread
/// has not beaten for `timeout`.
pub fn watch(timeout: Duration) -> std::io::Result<()> {
    LAST_BEAT.store(now_ms(), Ordering::Relaxed);
    std::thread::Builder::new()
        .name("turbo-watchdog".to_owned())
        .spawn(move || loop {
            std::thread::sleep(BEAT);
            let silent = Duration::from_millis(now_ms().saturating_sub(LAST_BEAT.load(Ordering::Relaxed)));
            if silent > timeout {
                crate::log::log!(
                    Critical,
                    "turbo: worker {} timed out: its I/O thread was held for {:.1}s (--timeout {}s); exiting",
                    std::process::id(),
                    silent.as_secs_f64(),
                    timeout.as_secs_f64()
                );
                std::process::exit(1);
            }
        })?;
    Ok(())
}
