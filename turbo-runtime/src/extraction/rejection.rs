//! Why a request is answered before its handler runs, as data.
//!
//! Extraction reports what went wrong; `response::rendering::reject` turns
//! it into FastAPI's answer (which may go through the app's exception
//! handlers). The variants are the answers FastAPI and Starlette give at
//! that point.

use pyo3::prelude::*;

use super::validation_errors::ValidationErrors;

pub enum Rejection {
    /// The body could not be decoded as FastAPI decodes it: its 400
    /// "There was an error parsing the body".
    UnreadableBody,
    /// Parameters or the body did not validate: FastAPI's 422 (or the
    /// app's `RequestValidationError` handler). `body` is what FastAPI
    /// passes as the exception's `body` (the decoded body, the invalid
    /// JSON text), if anything was read.
    Invalid {
        errors: ValidationErrors,
        body: Option<Py<PyAny>>,
    },
    /// Starlette refused the form: `HTTPException(400, detail)`, which
    /// the app's handlers may answer.
    Form(String),
    /// turbo's own Python call failed: logged, 500.
    Internal { context: &'static str, error: PyErr },
}
