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
use crate::spec::{BodyRead, Extract, ParamSpec, RouteSpec, Text, Texts};
use crate::template::Captures;

/// A callable's arguments, by position, and the names of its keyword-only
/// ones (which come last).
type Arguments<'py> = (SmallVec<[Bound<'py, PyAny>; 8]>, Option<Bound<'py, PyTuple>>);

/// What one request's parameters and dependencies share while they are solved.
struct Solving<'py, 'a> {
    py: Python<'py>,
    call: &'a Call<'a>,
    errors: ValidationErrors,
    /// The body as read, for routes with body parameters.
    body: Option<Bound<'py, PyAny>>,
    /// The body plan validates every body parameter at once, when the first
    /// one is reached (FastAPI's order of errors).
    body_values: Option<Option<Vec<Bound<'py, PyAny>>>>,
    /// The `Response` injected into the handler and its dependencies.
    response: Option<Extracted<'py>>,
    /// Each dependency step's value; `None` if it failed validation.
    results: SmallVec<[Extracted<'py>; 4]>,
    /// Dependables called in this request, by cache key.
    cache: SmallVec<[(usize, Bound<'py, PyAny>); 4]>,
}

/// Handles a request routed to `route`; `is_async` is its handler's kind.
///
/// As FastAPI's `solve_dependencies`: each dependency step in order reads
/// its parameters and, if neither they nor its own dependencies failed, is
/// called (or its cached value reused); then the handler's parameters are
/// read. Any validation error anywhere answers 422 with all of them; an
/// exception from a dependency is handled like one from the handler.
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
    let mut solving = Solving {
        py,
        call: &call,
        errors: ValidationErrors::new(),
        body,
        body_values: None,
        response: None,
        results: SmallVec::new(),
        cache: SmallVec::new(),
    };
    for (step, dependency) in route.dependencies.iter().enumerate() {
        let below_failed = dependency
            .children
            .iter()
            .any(|child| solving.results[*child].is_none());
        let arguments = match solving.arguments(dependency.params) {
            Ok(arguments) => arguments,
            Err(err) => return Outcome::python_error(py, "cannot build a dependency's arguments", &err),
        };
        let cached = solving.cached(dependency.cache_key);
        let value = match arguments.filter(|_| !below_failed) {
            None => None,
            Some(_) if dependency.use_cache && cached.is_some() => cached,
            Some((args, keyword_names)) => {
                let dependable = crate::python::dependency(py, route.handler, step);
                match crate::vectorcall::call(dependable, &args, keyword_names.as_ref()) {
                    Ok(value) => {
                        // The first value is cached even under `use_cache=False`, as in FastAPI.
                        if cached.is_none() {
                            solving.cache.push((dependency.cache_key, value.clone()));
                        }
                        Some(value)
                    }
                    Err(err) => return Outcome::Ready(response::render_exception(py, &call, err)),
                }
            }
        };
        solving.results.push(value);
    }
    let arguments = match solving.arguments(route.params) {
        Ok(arguments) => arguments,
        Err(err) => return Outcome::python_error(py, "cannot build the handler's arguments", &err),
    };
    let injected = solving.response.take().flatten();
    match arguments {
        Some((args, keyword_names)) if solving.errors.is_empty() => response::invoke(
            py,
            &call,
            is_async,
            &args,
            keyword_names.as_ref(),
            injected.as_ref(),
        ),
        _ => response::reject(py, &call, solving.errors, solving.body.as_ref()),
    }
}

impl<'py> Solving<'py, '_> {
    /// The value an earlier step with this cache key produced.
    fn cached(&self, key: usize) -> Option<Bound<'py, PyAny>> {
        self.cache
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, value)| value.clone())
    }

    /// Extracts `params` (errors recorded), giving the arguments if every
    /// one of them has a value.
    fn arguments(&mut self, params: &'static [ParamSpec]) -> PyResult<Option<Arguments<'py>>> {
        let py = self.py;
        let mut values: SmallVec<[Extracted<'py>; 8]> = SmallVec::new();
        values.resize_with(params.len(), || None);
        for param in params {
            values[param.position] = match param.extract {
                Extract::Body(index) => {
                    let (body, errors) = (&self.body, &mut self.errors);
                    let plan = self.call.route.body_plan;
                    let validated = self.body_values.get_or_insert_with(|| match (body, plan) {
                        (Some(body), Some(plan)) => python_params::body(body, plan, errors),
                        _ => None,
                    });
                    validated.as_ref().map(|values| values[index].clone())
                }
                Extract::Response => {
                    let errors = &mut self.errors;
                    self.response
                        .get_or_insert_with(|| python_params::sub_response(py, errors))
                        .clone()
                }
                Extract::Dependency(step) => self.results[step].clone(),
                ref extract => extract_param(py, self.call, extract, &mut self.errors),
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
        Extract::Body(_) | Extract::Response | Extract::Dependency(_) => {
            unreachable!("extracted by Solving::arguments")
        }
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
