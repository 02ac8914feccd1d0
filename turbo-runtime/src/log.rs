//! The server's messages on stderr, gated by `--log-level` (uvicorn's
//! levels). Errors that stop the server at start-up are printed whatever
//! the level: they explain its exit status. The access log, on stdout, is
//! `server/access_log.rs`.

use std::sync::atomic::{AtomicU8, Ordering};

/// uvicorn's `--log-level` names, least severe first.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warning,
    Error,
    Critical,
}

static LEAST_SEVERE_SHOWN: AtomicU8 = AtomicU8::new(Level::Info as u8);

pub fn set_level(level: Level) {
    LEAST_SEVERE_SHOWN.store(level as u8, Ordering::Relaxed);
}

/// Whether messages of `level` are written.
pub fn shows(level: Level) -> bool {
    level as u8 >= LEAST_SEVERE_SHOWN.load(Ordering::Relaxed)
}

/// Writes one line to stderr in one write: `eprintln!` writes each piece
/// of its format apart, and worker processes share stderr, so their lines
/// would interleave.
pub fn write_line(mut line: String) {
    use std::io::Write;
    line.push('\n');
    let _ = std::io::stderr().write_all(line.as_bytes());
}

/// `eprintln!` for a message of the given level.
macro_rules! log {
    ($level:ident, $($message:tt)*) => {
        if $crate::log::shows($crate::log::Level::$level) {
            $crate::log::write_line(format!($($message)*));
        }
    };
}
pub(crate) use log;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_shows_itself_and_what_is_more_severe() {
        set_level(Level::Warning);
        assert!(!shows(Level::Info));
        assert!(shows(Level::Warning));
        assert!(shows(Level::Error));
        set_level(Level::Info);
        assert!(shows(Level::Info));
    }
}
