//! The bridge to CPython.
//!
//! - start-up: the interpreter, configured explicitly (`interpreter`), the
//!   embedded package, the app's import and the tables checked against
//!   the compiled routes (`startup`,
//!   `registration`, `dependables`, `overrides`);
//! - calls: every name Rust calls declared once (`entry_points`), the
//!   app's own objects (`calls`), the vectorcall edge (`vectorcall`);
//! - coroutines: the asyncio loop on the I/O thread, stepped by tokio
//!   (`event_loop`, `loop_timer`), each request in its own `contextvars`
//!   context (`context`); the app's lifespan on that loop (`lifespan`);
//! - `def` code: inline or in the thread pool (`placement`, `workers`).
//!
//! Threading model (ARCHITECTURE.md): the thread that initialises Python
//! is the I/O thread; it keeps its Python thread state for the life of the
//! process, so attaching per request only takes the GIL (creating a thread
//! state costs ~5 us). Worker threads keep theirs for life too.

pub mod calls;
#[allow(unsafe_code)]
pub mod context;
pub mod dependables;
pub mod entry_points;
#[allow(unsafe_code)]
pub mod event_loop;
#[allow(unsafe_code)]
pub mod interpreter;
pub mod lifespan;
#[allow(unsafe_code)]
mod loop_timer;
pub mod overrides;
pub mod placement;
pub mod registration;
pub mod startup;
#[allow(unsafe_code)]
pub mod vectorcall;
pub mod workers;
