//! The arguments of one callable (the handler or a dependable), extracted
//! as its compiled [`ParamSpec`]s say, from what a request's callables
//! share: the body, the injected `Response`, the values of the dependency
//! steps solved so far, and the validation errors gathered.
//!
//! Values are kept as `Py` (not `Bound`) because a request's solving may
//! pause, without the GIL, while a coroutine runs.

use std::borrow::Cow;

use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};
use smallvec::SmallVec;

use crate::extraction::python_params;
use crate::extraction::request::Call;
use crate::extraction::scalars::{self, Extracted};
use crate::extraction::validation_errors::ValidationErrors;
use crate::spec::{Extract, ParamSpec, Text, Texts};

/// A callable's arguments, by position, and the names of its keyword-only
/// ones (which come last).
pub type Arguments<'py> = (SmallVec<[Bound<'py, PyAny>; 8]>, Option<Bound<'py, PyTuple>>);

/// What one request's callables share while their arguments are extracted.
#[derive(Default)]
pub struct RequestValues {
    pub errors: ValidationErrors,
    /// The body as read, for routes with body parameters.
    pub body: Option<Py<PyAny>>,
    /// The `Response` injected into the handler and its dependencies.
    response: Option<Option<Py<PyAny>>>,
    /// The `Request`, one object for the handler and its dependencies (as
    /// in FastAPI: what one sets on `request.state` the others see).
    request: Option<Option<Py<PyAny>>>,
    /// The `BackgroundTasks`, one for the handler and its dependencies.
    background: Option<Option<Py<PyAny>>>,
    /// Each dependency step's value; `None` if it failed validation.
    pub results: SmallVec<[Option<Py<PyAny>>; 4]>,
}

impl RequestValues {
    /// The injected `Response`, if a callable asked for one.
    pub fn injected<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyAny>> {
        self.response.as_ref()?.as_ref().map(|r| r.bind(py).clone())
    }

    /// The `BackgroundTasks`, if a callable asked for them.
    pub fn background(&self) -> Option<&Py<PyAny>> {
        self.background.as_ref()?.as_ref()
    }

    /// Extracts `params` (errors recorded), giving the arguments if every
    /// one of them has a value.
    pub fn arguments<'py>(
        &mut self,
        py: Python<'py>,
        call: &Call,
        params: &[ParamSpec],
    ) -> PyResult<Option<Arguments<'py>>> {
        let mut values: SmallVec<[Extracted<'py>; 8]> = SmallVec::new();
        values.resize_with(params.len(), || None);
        // The callable's body parameters are validated together, when the
        // first is reached (FastAPI's order of errors).
        let mut body_values: Option<Option<Vec<Bound<'py, PyAny>>>> = None;
        for param in params {
            values[param.position] = match param.extract {
                Extract::Body(part, index) => {
                    let (body, errors) = (&self.body, &mut self.errors);
                    let plan = call.route.body_plan;
                    let validated = body_values.get_or_insert_with(|| match (body, plan) {
                        (Some(body), Some(plan)) => python_params::body(body.bind(py), plan, part, errors),
                        _ => None,
                    });
                    validated.as_ref().map(|values| values[index].clone())
                }
                Extract::SecurityScopes(scopes) => {
                    python_params::security_scopes(py, scopes, &mut self.errors)
                }
                Extract::Response => {
                    let errors = &mut self.errors;
                    self.response
                        .get_or_insert_with(|| python_params::sub_response(py, errors).map(Bound::unbind))
                        .as_ref()
                        .map(|response| response.bind(py).clone())
                }
                Extract::BackgroundTasks => {
                    let errors = &mut self.errors;
                    self.background
                        .get_or_insert_with(|| {
                            errors
                                .internal(crate::python::calls::background_tasks(py))
                                .map(Bound::unbind)
                        })
                        .as_ref()
                        .map(|tasks| tasks.bind(py).clone())
                }
                Extract::Request => {
                    let errors = &mut self.errors;
                    self.request
                        .get_or_insert_with(|| python_params::request(py, call, errors).map(Bound::unbind))
                        .as_ref()
                        .map(|request| request.bind(py).clone())
                }
                Extract::Dependency(step) => self.results[step].as_ref().map(|value| value.bind(py).clone()),
                Extract::WebSocket => call
                    .request
                    .websocket()
                    .map(|websocket| websocket.bind(py).clone()),
                ref extract => extract_param(py, call, extract, &mut self.errors),
            };
        }
        let Some(values) = values.into_iter().collect::<Option<SmallVec<[_; 8]>>>() else {
            return Ok(None);
        };
        // Keyword-only parameters come last in a signature, in position order.
        let mut keyword: SmallVec<[(usize, &'static str); 4]> = params
            .iter()
            .filter(|p| p.keyword_only)
            .map(|p| (p.position, p.name))
            .collect();
        if keyword.is_empty() {
            return Ok(Some((values, None)));
        }
        keyword.sort_unstable();
        let names = PyTuple::new(py, keyword.iter().map(|(_, name)| PyString::intern(py, name)))?;
        Ok(Some((values, Some(names))))
    }
}

/// A parameter whose value comes from the request's path, query string,
/// headers or cookies.
fn extract_param<'py>(
    py: Python<'py>,
    call: &Call,
    extract: &Extract,
    errors: &mut ValidationErrors,
) -> Extracted<'py> {
    let request = &call.request;
    match *extract {
        Extract::Str(text, fallback, bounds) => scalars::str(
            py,
            read(call, text).as_deref(),
            fallback,
            text.loc(),
            bounds,
            errors,
        ),
        Extract::Int(text, fallback, bounds) => scalars::int(
            py,
            read(call, text).as_deref(),
            fallback,
            text.loc(),
            bounds,
            errors,
        ),
        Extract::Float(text, fallback, bounds) => scalars::float(
            py,
            read(call, text).as_deref(),
            fallback,
            text.loc(),
            bounds,
            errors,
        ),
        Extract::Bool(text, fallback) => {
            scalars::bool(py, read(call, text).as_deref(), fallback, text.loc(), errors)
        }
        Extract::Choice(text, fallback, choices) => scalars::choice(
            py,
            read(call, text).as_deref(),
            fallback,
            text.loc(),
            choices,
            errors,
        ),
        Extract::PathUuid(capture) => scalars::uuid(py, call.captures.get(request.path(), capture), errors),
        Extract::List(texts, item, fallback) => match texts {
            Texts::Query(key) => {
                scalars::list(py, &request.query_all(key), item, fallback, texts.loc(), errors)
            }
            Texts::Header(key) => {
                scalars::list(py, &request.header_all(key), item, fallback, texts.loc(), errors)
            }
        },
        Extract::Adapted(text, field) => {
            python_params::adapted(py, read(call, text).as_deref(), field, errors)
        }
        Extract::AdaptedList(texts, field) => match texts {
            Texts::Query(key) => python_params::adapted_list(py, &request.query_all(key), field, errors),
            Texts::Header(key) => python_params::adapted_list(py, &request.header_all(key), field, errors),
        },
        Extract::ParamModel(field) => python_params::param_model(py, call, field, errors),
        Extract::Body(..)
        | Extract::SecurityScopes(_)
        | Extract::Request
        | Extract::Response
        | Extract::BackgroundTasks
        | Extract::WebSocket
        | Extract::Dependency(_) => {
            unreachable!("extracted by RequestValues::arguments")
        }
    }
}

/// The text of a single-valued parameter, if the request has it.
fn read<'a>(call: &'a Call, text: Text) -> Option<Cow<'a, str>> {
    let request = &call.request;
    match text {
        Text::Path(capture, _) => Some(Cow::Borrowed(call.captures.get(request.path(), capture))),
        Text::Query(key) => request.query(key).map(Cow::Borrowed),
        Text::Header(key) => request.header(key).map(Cow::Owned),
        Text::Cookie(key) => request.cookie(key).map(Cow::Borrowed),
    }
}
