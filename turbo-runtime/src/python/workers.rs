//! The thread pool that runs blocking `def` code off the I/O thread, as
//! FastAPI runs every `def` handler and dependency in anyio's pool.
//!
//! Threads are started on demand up to a limit (`--threads`, 40 like
//! anyio's default) and live for the life of the process, each keeping one
//! Python thread state: attaching to the interpreter then only takes the
//! GIL (creating a thread state costs ~5 us, measured). A job waits in the
//! queue when every thread is busy, as a request waits for anyio's limiter.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, OnceLock};

use pyo3::prelude::*;
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send>;

struct Pool {
    queue: Mutex<Queue>,
    available: Condvar,
    limit: usize,
}

#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    threads: usize,
    idle: usize,
}

static POOL: OnceLock<Pool> = OnceLock::new();

impl Pool {
    fn new(limit: usize) -> Self {
        Pool {
            queue: Mutex::new(Queue::default()),
            available: Condvar::new(),
            limit: limit.max(1),
        }
    }
}

/// Sets the number of threads; the first call (or the first job) wins.
pub fn configure(limit: usize) {
    let _ = POOL.set(Pool::new(limit));
}

fn pool() -> &'static Pool {
    POOL.get_or_init(|| Pool::new(DEFAULT_THREADS))
}

/// anyio's default number of worker threads, which FastAPI uses.
pub const DEFAULT_THREADS: usize = 40;

/// Runs `job` on a pool thread; the future completes with its value. If
/// the future is dropped, the job still runs to its end (a Python call
/// cannot be interrupted) and its value is dropped on the pool thread.
pub async fn run<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> T {
    let (sender, receiver) = oneshot::channel();
    submit(Box::new(move || {
        let _ = sender.send(job());
    }));
    match receiver.await {
        Ok(value) => value,
        // A job that panics is a bug in turbo: re-raise it here, where the
        // request's panic guard answers 500.
        Err(_) => panic!("a worker thread's job panicked"),
    }
}

/// Runs a Python callable on a pool thread, not waited for: its outcome
/// reaches its caller through the event loop (`_event_loop.ThreadPool`).
pub fn submit_python(callable: Py<PyAny>) {
    submit(Box::new(move || {
        Python::attach(|py| {
            if let Err(err) = callable.call0(py) {
                super::calls::print_exception(py, &err);
            }
        })
    }));
}

fn submit(job: Job) {
    let pool = pool();
    let mut queue = pool.queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    queue.jobs.push_back(job);
    if queue.idle == 0 && queue.threads < pool.limit {
        queue.threads += 1;
        let number = queue.threads;
        let spawned = std::thread::Builder::new()
            .name(format!("turbo-worker-{number}"))
            .spawn(work);
        if spawned.is_err() {
            queue.threads -= 1;
            crate::log::log!(
                Warning,
                "turbo: warning: cannot start worker thread {number}; jobs wait for the running ones"
            );
        }
    }
    drop(queue);
    pool.available.notify_one();
}

/// A pool thread: one Python thread state for life (attached once, then
/// detached while it waits), jobs taken from the queue in order.
fn work() {
    let pool = pool();
    Python::attach(|py| {
        // Python's `threading` sees the thread under the same name (it
        // would be "Dummy-N"), for logs and `current_thread()`.
        if let Some(name) = std::thread::current().name() {
            let named = super::entry_points::entry_points()
                .current_thread
                .bind(py)
                .call0()
                .and_then(|thread| thread.setattr("name", name));
            if let Err(err) = named {
                super::calls::print_exception(py, &err);
            }
        }
        py.detach(|| loop {
            let mut queue = pool.queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            queue.idle += 1;
            let job = loop {
                if let Some(job) = queue.jobs.pop_front() {
                    break job;
                }
                queue = pool
                    .available
                    .wait(queue)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
            };
            queue.idle -= 1;
            drop(queue);
            // A panic inside a job drops its sender: `run` reports it.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
        })
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    #[test]
    fn jobs_run_concurrently_on_pool_threads_and_return_their_values() {
        Python::initialize();
        Python::attach(|py| {
            crate::python::startup::install_package(py).unwrap();
            crate::python::entry_points::fetch(py).unwrap();
        });
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        // Three jobs that each wait for the other two: they finish only if
        // three threads run them at once.
        let (arrived, arrivals) = mpsc::channel::<()>();
        let arrivals = std::sync::Arc::new(Mutex::new(arrivals));
        let (senders, receivers): (Vec<_>, Vec<_>) = (0..3).map(|_| mpsc::channel::<()>()).unzip();
        let senders = std::sync::Arc::new(senders);
        let jobs = receivers.into_iter().map(|release| {
            let arrived = arrived.clone();
            run(move || {
                arrived.send(()).unwrap();
                let released = release.recv_timeout(Duration::from_secs(10)).is_ok();
                let name = std::thread::current().name().map(str::to_owned);
                // Python runs here with the thread's own state.
                let answer =
                    Python::attach(|py| py.eval(c"6 * 7", None, None).unwrap().extract::<i32>().unwrap());
                (released, name, answer)
            })
        });
        let coordinator = std::thread::spawn({
            let senders = senders.clone();
            move || {
                let arrivals = arrivals.lock().unwrap();
                for _ in 0..3 {
                    arrivals.recv_timeout(Duration::from_secs(10)).unwrap();
                }
                for sender in senders.iter() {
                    sender.send(()).unwrap();
                }
            }
        });
        let results = runtime.block_on(futures_util::future::join_all(jobs));
        coordinator.join().unwrap();
        for (released, name, answer) in results {
            assert!(released, "a job waited alone: the pool ran jobs one at a time");
            assert!(name.unwrap().starts_with("turbo-worker-"));
            assert_eq!(answer, 42);
        }
    }
}
