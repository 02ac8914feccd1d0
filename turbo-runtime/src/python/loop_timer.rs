//! The event loop's next timer, to the nanosecond.
//!
//! tokio's timers have millisecond ticks and round up, so a coroutine
//! awaiting `asyncio.sleep(0.001)` would wait up to a tick longer than
//! under uvicorn, whose loop waits in `epoll_wait` (a millisecond
//! timeout). The driver instead arms a `timerfd` (CLOCK_MONOTONIC, the
//! clock of `loop.time()`) for the loop's first timer and waits for it to
//! be readable.

use std::cell::Cell;
use std::os::fd::OwnedFd;
use std::time::{Duration, Instant};

use rustix::time::{
    timerfd_create, timerfd_settime, Itimerspec, TimerfdClockId, TimerfdFlags, TimerfdTimerFlags, Timespec,
};
use tokio::io::unix::AsyncFd;
use tokio::io::Interest;

pub struct LoopTimer {
    fd: AsyncFd<OwnedFd>,
    /// When it is armed to fire, to skip setting it again to the same time
    /// (the driver asks after every turn of the loop).
    armed: Cell<Option<Instant>>,
}

/// Deadlines closer than this to the armed one are the same timer.
const SAME: Duration = Duration::from_micros(20);

fn timespec(duration: Duration) -> Timespec {
    Timespec {
        tv_sec: i64::try_from(duration.as_secs()).unwrap_or(i64::MAX),
        tv_nsec: i64::from(duration.subsec_nanos()),
    }
}

impl LoopTimer {
    pub fn new() -> std::io::Result<Self> {
        let fd = timerfd_create(
            TimerfdClockId::Monotonic,
            TimerfdFlags::NONBLOCK | TimerfdFlags::CLOEXEC,
        )?;
        // SAFETY: `fd` is a descriptor the `AsyncFd` owns from here on, so
        // it stays open and the same until the `AsyncFd` is dropped.
        let fd = unsafe { AsyncFd::register_with_interest(fd, Interest::READABLE) }
            .map_err(std::io::Error::from)?;
        Ok(LoopTimer {
            fd,
            armed: Cell::new(None),
        })
    }

    /// Fires once, `delay` from now (at once for zero); `None` disarms it.
    pub fn set(&self, delay: Option<Duration>) -> std::io::Result<()> {
        let deadline = delay.map(|delay| Instant::now() + delay);
        let unchanged = match (deadline, self.armed.get()) {
            (None, None) => true,
            (Some(deadline), Some(armed)) => deadline.max(armed) - deadline.min(armed) < SAME,
            _ => false,
        };
        if unchanged {
            return Ok(());
        }
        self.armed.set(deadline);
        let value = match delay {
            // A zero value would disarm the timer.
            Some(delay) => timespec(delay.max(Duration::from_nanos(1))),
            None => timespec(Duration::ZERO),
        };
        let spec = Itimerspec {
            it_interval: timespec(Duration::ZERO),
            it_value: value,
        };
        timerfd_settime(self.fd.get_ref(), TimerfdTimerFlags::empty(), &spec)?;
        Ok(())
    }

    /// Completes when the timer has fired.
    pub async fn fired(&self) {
        loop {
            let Ok(mut guard) = self.fd.readable().await else {
                return std::future::pending().await;
            };
            let mut expirations = [0u8; 8];
            match rustix::io::read(self.fd.get_ref(), &mut expirations) {
                Ok(_) => {
                    self.armed.set(None);
                    return;
                }
                // Not fired yet (readiness was stale): wait again.
                Err(_) => guard.clear_ready(),
            }
        }
    }
}
