//! Any bytes through `turbo check`'s whole front end: it must not panic or
//! hang, every label must lie inside the file on character boundaries, the
//! output must be sorted, and rendering and `turbo routes` must work on
//! whatever it accepts.

#![no_main]

use libfuzzer_sys::fuzz_target;
use turbo_codegen::diagnostics::{render_github, render_text_strict, to_json};
use turbo_codegen::{check, routes};

fuzz_target!(|data: &[u8]| {
    let checked = check("fuzz.py", data);
    let text = &checked.file.text;
    let mut previous = None;
    for diagnostic in &checked.diagnostics {
        for label in std::iter::once(&diagnostic.primary).chain(&diagnostic.secondary) {
            let (start, end) = (label.span.start as usize, label.span.end as usize);
            assert!(start <= end && end <= text.len());
            assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
        }
        let key = (diagnostic.primary.span, diagnostic.code);
        assert!(previous.is_none_or(|p| p <= key));
        previous = Some(key);
        let _ = render_text_strict(&checked.file, diagnostic, false);
        let _ = render_github(&checked.file, diagnostic);
        serde_json::to_string(&to_json(&checked.file, diagnostic)).expect("diagnostics serialize");
    }
    if let Some(app) = checked.emittable() {
        let _ = routes::table(app, &checked.file);
        let _ = routes::json(app, &checked.file);
    }
});
