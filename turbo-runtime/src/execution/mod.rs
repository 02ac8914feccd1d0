//! How Python code runs in the server: coroutines on an asyncio loop that
//! tokio steps on the I/O thread (`event_loop`), `def` code inline or in a
//! pool of worker threads (`workers`) as each route's placement says
//! (`placement`), each request in its own `contextvars` context
//! (`context`). ARCHITECTURE.md has the whole picture.

pub mod context;
pub mod event_loop;
mod loop_timer;
pub mod placement;
pub mod workers;
