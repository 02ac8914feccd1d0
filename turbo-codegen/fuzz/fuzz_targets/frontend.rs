//! Any bytes through `turbo check`'s whole front end: it must not panic or
//! hang, every label must lie inside the file on character boundaries, the
//! output must be sorted, and rendering and `turbo routes` must work on
//! whatever it accepts.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/common/mod.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    common::assert_invariants(&turbo_codegen::check("fuzz.py", data), "fuzz input");
});
