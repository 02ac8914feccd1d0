//! FastAPI's 422: where a parameter comes from (`loc`) and the list of
//! validation errors, written as JSON as extractors and constraint checks
//! record them.

use pyo3::prelude::*;

use crate::response::json::write_str;

/// Where a parameter comes from, as FastAPI writes it in `loc`.
#[derive(Clone, Copy, Debug)]
pub struct Loc {
    pub source: &'static str,
    pub name: &'static str,
    /// The position in a list parameter (`["query", "ids", 1]`).
    pub index: Option<usize>,
}

impl Loc {
    const fn new(source: &'static str, name: &'static str) -> Self {
        Loc {
            source,
            name,
            index: None,
        }
    }
    pub const fn path(name: &'static str) -> Self {
        Loc::new("path", name)
    }
    pub const fn query(name: &'static str) -> Self {
        Loc::new("query", name)
    }
    pub const fn header(name: &'static str) -> Self {
        Loc::new("header", name)
    }
    pub const fn cookie(name: &'static str) -> Self {
        Loc::new("cookie", name)
    }
    /// The same place, one element of a list.
    pub const fn at(self, index: usize) -> Self {
        Loc {
            index: Some(index),
            ..self
        }
    }
}

/// FastAPI's 422 error list, written as JSON as it is collected, plus
/// the first Python error an extractor hit (an allocation failure, say),
/// which turns the response into a 500 instead.
#[derive(Default)]
pub struct ValidationErrors {
    json: Vec<u8>,
    count: usize,
    internal: Option<PyErr>,
}

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// No validation error and no internal failure so far.
    pub fn is_empty(&self) -> bool {
        self.count == 0 && self.internal.is_none()
    }

    /// The Python error an extractor hit, if any.
    pub fn take_internal(&mut self) -> Option<PyErr> {
        self.internal.take()
    }

    pub(crate) fn internal<T>(&mut self, result: PyResult<T>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(err) => {
                self.internal.get_or_insert(err);
                None
            }
        }
    }

    /// `{"detail":[...]}`, the body of the 422 response.
    pub fn into_body(self) -> Vec<u8> {
        self.to_body()
    }

    /// `{"detail": [...]}`, leaving the errors in place.
    pub fn to_body(&self) -> Vec<u8> {
        let mut body = Vec::with_capacity(self.json.len() + 13);
        body.extend_from_slice(b"{\"detail\":[");
        body.extend_from_slice(&self.json);
        body.extend_from_slice(b"]}");
        body
    }

    /// An error with pydantic's `ctx`: `{ctx_key: ctx_json}`.
    pub fn push_with_ctx(
        &mut self,
        kind: &str,
        loc: Loc,
        msg: &str,
        input: Option<&str>,
        ctx_key: &str,
        ctx_json: &str,
    ) {
        self.push(kind, loc, msg, input);
        // Reopen the entry just written to add its ctx.
        self.json.pop();
        self.json.extend_from_slice(b",\"ctx\":{");
        write_str(&mut self.json, ctx_key);
        self.json.push(b':');
        self.json.extend_from_slice(ctx_json.as_bytes());
        self.json.extend_from_slice(b"}}");
    }

    pub fn push(&mut self, kind: &str, loc: Loc, msg: &str, input: Option<&str>) {
        if self.count > 0 {
            self.json.push(b',');
        }
        self.count += 1;
        let out = &mut self.json;
        out.extend_from_slice(b"{\"type\":");
        write_str(out, kind);
        out.extend_from_slice(b",\"loc\":[");
        write_str(out, loc.source);
        out.push(b',');
        write_str(out, loc.name);
        if let Some(index) = loc.index {
            out.push(b',');
            out.extend_from_slice(index.to_string().as_bytes());
        }
        out.extend_from_slice(b"],\"msg\":");
        write_str(out, msg);
        out.extend_from_slice(b",\"input\":");
        match input {
            Some(input) => write_str(out, input),
            None => out.extend_from_slice(b"null"),
        }
        out.push(b'}');
    }

    /// An error dict FastAPI produced in Python (a body validation error),
    /// written as FastAPI's response writes it: through `jsonable_encoder`.
    pub(crate) fn push_python(&mut self, error: &Bound<'_, PyAny>) {
        match crate::response::json::encode(error, crate::response::json::Mode::Jsonable) {
            Ok(json) => {
                if self.count > 0 {
                    self.json.push(b',');
                }
                self.count += 1;
                self.json.extend_from_slice(&json);
            }
            Err(err) => {
                self.internal.get_or_insert(err);
            }
        }
    }

    pub(crate) fn missing(&mut self, loc: Loc) {
        self.push("missing", loc, "Field required", None);
    }
}
