//! Parameters that need Python: request bodies, parameters pydantic
//! validates from their text (`datetime`, `Decimal`, unions, ...), and the
//! `Request` and `Response` objects a handler can ask for.
//!
//! Each calls a plan object built at start-up (`turboapi._plans`), so the
//! per-request work is one Python call per parameter or body.

use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::extract::{Extracted, ValidationErrors};
use crate::response::{Call, Outcome};

/// Reads the request body as FastAPI does before validating anything: the
/// decoded JSON (or the raw bytes, or the not-sent marker), or the response
/// FastAPI gives at that point (422 `json_invalid`, 400 unreadable body).
pub fn read_body<'py>(py: Python<'py>, call: &Call<'_>) -> Result<Bound<'py, PyAny>, Box<Outcome>> {
    let request = call.request;
    let read = match crate::python::read_body(py, request.body(), request.content_type()) {
        Ok(read) => read,
        Err(err) => {
            return Err(Box::new(Outcome::python_error(
                py,
                "cannot read the request body",
                &err,
            )))
        }
    };
    let parts: PyResult<(String, Bound<'py, PyAny>)> = read.extract();
    match parts {
        Ok((kind, value)) if kind == "ok" => Ok(value),
        Ok((kind, invalid)) if kind == "json_invalid" => {
            let mut errors = ValidationErrors::new();
            match invalid.extract::<(Bound<'py, PyAny>, Bound<'py, PyAny>)>() {
                Ok((error, text)) => {
                    errors.push_python(&error);
                    Err(Box::new(crate::response::reject(py, call, errors, Some(&text))))
                }
                Err(err) => Err(Box::new(Outcome::python_error(
                    py,
                    "cannot read the request body",
                    &err,
                ))),
            }
        }
        Ok(_) => Err(Box::new(Outcome::Ready(crate::response::bad_request(
            "There was an error parsing the body",
        )))),
        Err(err) => Err(Box::new(Outcome::python_error(
            py,
            "cannot read the request body",
            &err,
        ))),
    }
}

/// The body parameters of body plan `index`, validated by pydantic from
/// what [`read_body`] read, in signature order.
pub fn body<'py>(
    body: &Bound<'py, PyAny>,
    index: usize,
    errors: &mut ValidationErrors,
) -> Option<Vec<Bound<'py, PyAny>>> {
    let validated = crate::python::validate_body(index, body)
        .and_then(|result| result.extract::<(Vec<Bound<'py, PyAny>>, Bound<'py, pyo3::types::PyList>)>());
    let (values, found) = errors.internal(validated)?;
    push_all(errors, &found).then_some(values)
}

/// A parameter pydantic validates from its text (`None`: not sent).
pub fn adapted<'py>(
    py: Python<'py>,
    raw: Option<&str>,
    index: usize,
    errors: &mut ValidationErrors,
) -> Extracted<'py> {
    let raw = match raw {
        Some(text) => PyString::new(py, text).into_any(),
        None => py.None().into_bound(py),
    };
    validate_param(index, &raw, errors)
}

/// A list parameter pydantic validates from every value sent under its name.
pub fn adapted_list<'py, S: AsRef<str>>(
    py: Python<'py>,
    values: &[S],
    index: usize,
    errors: &mut ValidationErrors,
) -> Extracted<'py> {
    let list = pyo3::types::PyList::new(py, values.iter().map(|v| v.as_ref()));
    let list = errors.internal(list)?;
    validate_param(index, list.as_any(), errors)
}

fn validate_param<'py>(
    index: usize,
    raw: &Bound<'py, PyAny>,
    errors: &mut ValidationErrors,
) -> Extracted<'py> {
    let validated = crate::python::validate_param(index, raw)
        .and_then(|result| result.extract::<(Bound<'py, PyAny>, Bound<'py, pyo3::types::PyList>)>());
    let (value, found) = errors.internal(validated)?;
    push_all(errors, &found).then_some(value)
}

/// A pydantic model read from the whole query string, headers or cookies.
pub fn param_model<'py>(
    py: Python<'py>,
    call: &Call<'_>,
    index: usize,
    errors: &mut ValidationErrors,
) -> Extracted<'py> {
    let request = call.request;
    let query = pyo3::types::PyBytes::new(py, request.raw_query().unwrap_or("").as_bytes());
    let headers = crate::response::raw_headers(py, request);
    let headers = errors.internal(headers.into_pyobject(py))?;
    let validated = crate::python::validate_param_model(index, query.as_any(), headers.as_any())
        .and_then(|result| result.extract::<(Bound<'py, PyAny>, Bound<'py, pyo3::types::PyList>)>());
    let (value, found) = errors.internal(validated)?;
    push_all(errors, &found).then_some(value)
}

/// Adds pydantic's errors; `true` if there were none.
fn push_all(errors: &mut ValidationErrors, found: &Bound<'_, pyo3::types::PyList>) -> bool {
    for error in found.iter() {
        errors.push_python(&error);
    }
    found.is_empty()
}

/// The `Request` object for a handler that declares one.
pub fn request<'py>(py: Python<'py>, call: &Call<'_>, errors: &mut ValidationErrors) -> Extracted<'py> {
    errors.internal(crate::response::python_request(py, call))
}

/// The `Response` FastAPI injects for headers, cookies and status.
pub fn sub_response<'py>(py: Python<'py>, errors: &mut ValidationErrors) -> Extracted<'py> {
    errors.internal(crate::python::sub_response(py))
}
