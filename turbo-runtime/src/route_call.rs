//! One request to one route: read the body if the route has body
//! parameters, extract every parameter as its compiled [`ParamSpec`] says,
//! answer 422 with every error FastAPI would report, or call the handler.
//!
//! The compiler decides everything per parameter (source, key, type,
//! constraints, default) and emits it as static data; this loop only
//! follows it, so no code is generated per route.

use std::borrow::Cow;

use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};
use smallvec::SmallVec;

use crate::extract::{self, Extracted, ValidationErrors};
use crate::python_params;
use crate::request::Request;
use crate::response::{self, Call, Outcome};
use crate::spec::{BodyRead, Extract, RouteSpec, Text, Texts};
use crate::template::Captures;

/// Handles a request routed to `route`; `is_async` is its handler's kind.
pub fn call_route(
    py: Python<'_>,
    route: &'static RouteSpec,
    is_async: bool,
    request: &Request,
    captures: &Captures,
) -> Outcome {
    let call = Call {
        route,
        request,
        captures,
    };
    // FastAPI reads (and JSON-decodes) the body before validating anything.
    let body = match route.body_plan {
        None => None,
        Some(_) => {
            let read = if route.body == BodyRead::Form {
                python_params::read_form(py, &call)
            } else {
                python_params::read_body(py, &call)
            };
            match read {
                Ok(body) => Some(body),
                Err(outcome) => return *outcome,
            }
        }
    };
    let mut errors = ValidationErrors::new();
    let mut values: SmallVec<[Extracted<'_>; 8]> = SmallVec::new();
    values.resize_with(route.params.len(), || None);
    // The body plan validates every body parameter at once, when the first
    // one is reached (FastAPI's order of errors).
    let mut body_values: Option<Option<Vec<Bound<'_, PyAny>>>> = None;
    let mut injected = None;
    for param in route.params {
        let value = match param.extract {
            Extract::Body(index) => {
                let validated = body_values.get_or_insert_with(|| match (&body, route.body_plan) {
                    (Some(body), Some(plan)) => python_params::body(body, plan, &mut errors),
                    _ => None,
                });
                validated.as_ref().map(|values| values[index].clone())
            }
            Extract::Response => {
                let response = python_params::sub_response(py, &mut errors);
                injected.clone_from(&response);
                response
            }
            ref extract => extract_param(py, &call, extract, &mut errors),
        };
        values[param.position] = value;
    }
    let Some(values) = values.into_iter().collect::<Option<SmallVec<[_; 8]>>>() else {
        return response::reject(py, &call, errors, body.as_ref());
    };
    // Keyword-only parameters come last in a signature, in position order.
    let mut keyword: SmallVec<[(usize, &'static str); 4]> = route
        .params
        .iter()
        .filter(|p| p.keyword_only)
        .map(|p| (p.position, p.name))
        .collect();
    let keyword_names = if keyword.is_empty() {
        None
    } else {
        keyword.sort_unstable();
        let names = keyword.iter().map(|(_, name)| PyString::intern(py, name));
        match PyTuple::new(py, names) {
            Ok(names) => Some(names),
            Err(err) => return Outcome::python_error(py, "cannot build the handler's arguments", &err),
        }
    };
    response::invoke(
        py,
        &call,
        is_async,
        &values,
        keyword_names.as_ref(),
        injected.as_ref(),
    )
}

/// A parameter whose value comes from the request's path, query string,
/// headers or cookies, or is the request itself.
fn extract_param<'py>(
    py: Python<'py>,
    call: &Call<'_>,
    extract: &Extract,
    errors: &mut ValidationErrors,
) -> Extracted<'py> {
    let request = call.request;
    match *extract {
        Extract::Str(text, fallback, bounds) => extract::str(
            py,
            read(call, text).as_deref(),
            fallback,
            text.loc(),
            bounds,
            errors,
        ),
        Extract::Int(text, fallback, bounds) => extract::int(
            py,
            read(call, text).as_deref(),
            fallback,
            text.loc(),
            bounds,
            errors,
        ),
        Extract::Float(text, fallback, bounds) => extract::float(
            py,
            read(call, text).as_deref(),
            fallback,
            text.loc(),
            bounds,
            errors,
        ),
        Extract::Bool(text, fallback) => {
            extract::bool(py, read(call, text).as_deref(), fallback, text.loc(), errors)
        }
        Extract::Choice(text, fallback, choices) => extract::choice(
            py,
            read(call, text).as_deref(),
            fallback,
            text.loc(),
            choices,
            errors,
        ),
        Extract::PathUuid(capture) => extract::uuid(py, call.captures.get(request.path(), capture), errors),
        Extract::List(texts, item, fallback) => match texts {
            Texts::Query(key) => {
                extract::list(py, &request.query_all(key), item, fallback, texts.loc(), errors)
            }
            Texts::Header(key) => {
                extract::list(py, &request.header_all(key), item, fallback, texts.loc(), errors)
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
        Extract::Request => python_params::request(py, call, errors),
        Extract::Body(_) | Extract::Response => unreachable!("extracted by call_route"),
    }
}

/// The text of a single-valued parameter, if the request has it.
fn read<'a>(call: &'a Call<'_>, text: Text) -> Option<Cow<'a, str>> {
    let request = call.request;
    match text {
        Text::Path(capture, _) => Some(Cow::Borrowed(call.captures.get(request.path(), capture))),
        Text::Query(key) => request.query(key).map(Cow::Borrowed),
        Text::Header(key) => request.header(key).map(Cow::Owned),
        Text::Cookie(key) => request.cookie(key).map(Cow::Borrowed),
    }
}
