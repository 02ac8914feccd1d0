//! One request to one route, as FastAPI's `get_request_handler` and
//! `solve_dependencies` run it: read the body if the route has body
//! parameters; call each dependency step in order (its own parameters
//! extracted first); extract the handler's parameters and answer 422 with
//! every error gathered, or call the handler; then close the `yield`
//! dependencies' exit stacks, letting an exception pass through them.
//!
//! The compiler decided everything per route and emitted it as static
//! data; this state machine only follows it. It pauses, without the GIL,
//! only where a coroutine must be awaited (an `async def` dependable or
//! handler, an async generator's entry or exit), so a route of plain
//! `def`s runs in one go under one GIL acquisition.

use std::panic::AssertUnwindSafe;

use pyo3::exceptions::PyRuntimeError;
use pyo3::intern;
use pyo3::prelude::*;
use smallvec::SmallVec;
use tokio::sync::oneshot;

use crate::arguments::RequestValues;
use crate::exit_stack::{self, Closing, Entered, ExitStack};
use crate::python;
use crate::python_params;
use crate::request::Request;
use crate::response::{self, Call, Response};
use crate::spec::{BodyRead, DependableKind, RouteSpec};
use crate::template::Captures;

/// Handles a request routed to `route`; `is_async` is its handler's kind.
pub async fn call_route(
    route: &'static RouteSpec,
    is_async: bool,
    request: &Request,
    captures: &Captures,
) -> Response {
    let call = Call {
        route,
        request,
        captures,
    };
    let (mut solving, mut done) = match begin(&call, is_async) {
        Ok(response) => return response,
        Err(paused) => paused,
    };
    loop {
        // The loop drops the sender only if it shuts down first.
        let resumed = Some(done.await.ok());
        match advance_guarded(&mut solving, resumed) {
            Advance::Done(response) => return response,
            Advance::Await(next) => done = next,
        }
    }
}

/// A request that waits for a coroutine: its state, boxed so that the
/// future of a request that never waits (every `def` route) stays small.
type Paused<'c> = (Box<Solving<'c>>, oneshot::Receiver<Py<PyAny>>);

/// Runs the request as far as it goes without waiting.
fn begin<'c>(call: &'c Call<'c>, is_async: bool) -> Result<Response, Paused<'c>> {
    let mut solving = Solving {
        call,
        is_async,
        phase: Phase::ReadBody,
        awaiting: None,
        values: RequestValues::default(),
        cache: SmallVec::new(),
        exits: ExitStack::default(),
        response: None,
        sent: false,
        raised: None,
        validation: None,
    };
    match advance_guarded(&mut solving, None) {
        Advance::Done(response) => Ok(response),
        Advance::Await(done) => Err((Box::new(solving), done)),
    }
}

/// [`Solving::advance`] under the GIL; a panic (a bug in turbo) is a 500.
fn advance_guarded(solving: &mut Solving<'_>, resumed: Option<Option<Py<PyAny>>>) -> Advance {
    let advanced = std::panic::catch_unwind(AssertUnwindSafe(|| {
        Python::attach(|py| solving.advance(py, resumed))
    }));
    advanced.unwrap_or_else(|_| {
        let request = solving.call.request;
        eprintln!(
            "ERROR: turbo panicked while handling {} {} (a bug in turbo; please report it)",
            request.method(),
            request.path()
        );
        Advance::Done(response::internal_error())
    })
}

/// Where a request is in its route.
#[derive(Clone, Copy)]
enum Phase {
    ReadBody,
    /// The dependency step to run next.
    Step(usize),
    Handler,
    /// Closing the exit stacks.
    Exits,
}

/// A coroutine the request is waiting for, and what its result is.
enum Awaiting {
    /// A step's value (an `async def` dependable's, or an async generator's
    /// `__aenter__`, which is then entered on the exit stack).
    Step(usize, Option<Entered>),
    /// The handler's return value.
    Handler,
    /// An async generator's `__aexit__`.
    Exit,
}

enum Advance {
    Done(Response),
    /// Resume with the finished `concurrent.futures.Future`.
    Await(oneshot::Receiver<Py<PyAny>>),
}

/// One request's progress through its route.
struct Solving<'c> {
    call: &'c Call<'c>,
    is_async: bool,
    phase: Phase,
    awaiting: Option<Awaiting>,
    values: RequestValues,
    /// Dependables called in this request, by cache key.
    cache: SmallVec<[(usize, Py<PyAny>); 4]>,
    exits: ExitStack,
    /// The handler's response, once rendered.
    response: Option<Response>,
    /// The response is final: FastAPI has sent it when it closes the
    /// request scope, so what that scope raises is only logged.
    sent: bool,
    /// The exception on its way out through the exit stacks.
    raised: Option<PyErr>,
    /// The `RequestValidationError` raised for this request's 422, when
    /// it had to pass through `yield` dependencies as an exception.
    validation: Option<Py<PyAny>>,
}

impl Solving<'_> {
    /// Runs until the request is answered or must wait for a coroutine;
    /// `resumed` is the future that the last wait was for.
    fn advance(&mut self, py: Python<'_>, resumed: Option<Option<Py<PyAny>>>) -> Advance {
        if let Some(awaiting) = self.awaiting.take() {
            let result = match resumed.flatten() {
                Some(future) => python::future_result(py, &future),
                None => Err(PyRuntimeError::new_err("the asyncio loop dropped a coroutine")),
            };
            self.resume(py, awaiting, result);
        }
        let route = self.call.route;
        loop {
            match self.phase {
                Phase::ReadBody => {
                    if let Err(response) = self.read_body(py) {
                        return Advance::Done(*response);
                    }
                    self.phase = Phase::Step(0);
                }
                Phase::Step(step) if step < route.dependencies.len() => {
                    if let Some(done) = self.run_step(py, step) {
                        return Advance::Await(done);
                    }
                }
                Phase::Step(_) => self.phase = Phase::Handler,
                Phase::Handler => match self.run_handler(py) {
                    Ok(Some(done)) => return Advance::Await(done),
                    Ok(None) => self.phase = Phase::Exits,
                    Err(response) => return Advance::Done(*response),
                },
                Phase::Exits => match self.exits.next() {
                    Closing::Exit(entered) => {
                        if let Some(done) = self.exit(py, entered) {
                            return Advance::Await(done);
                        }
                    }
                    Closing::FunctionClosed => self.function_closed(),
                    Closing::Closed => return Advance::Done(self.finish(py)),
                },
            }
        }
    }

    /// FastAPI reads (and JSON-decodes) the body before validating anything.
    fn read_body(&mut self, py: Python<'_>) -> Result<(), Box<Response>> {
        let route = self.call.route;
        if route.body_plan.is_none() {
            return Ok(());
        }
        let body = if route.body == BodyRead::Form {
            python_params::read_form(py, self.call)
        } else {
            python_params::read_body(py, self.call)
        };
        self.values.body = Some(body?.unbind());
        Ok(())
    }

    /// Runs dependency step `step`: its arguments, then its cached value
    /// or a call. `Some` if it must wait for a coroutine.
    fn run_step(&mut self, py: Python<'_>, step: usize) -> Option<oneshot::Receiver<Py<PyAny>>> {
        let route = self.call.route;
        let dependency = &route.dependencies[step];
        let dependable = python::dependable(route.handler, step);
        self.phase = Phase::Step(step + 1);
        if dependable.skipped {
            // An override above it does not declare it: never run.
            self.values.results.push(Some(py.None()));
            return None;
        }
        let below_failed = dependable
            .children
            .iter()
            .any(|child| self.values.results[*child].is_none());
        let arguments = match self.values.arguments(py, self.call, &dependable.params) {
            Ok(arguments) => arguments.filter(|_| !below_failed),
            Err(err) => return self.raise(err),
        };
        let Some((args, keyword_names)) = arguments else {
            self.values.results.push(None);
            return None;
        };
        if dependency.use_cache {
            if let Some(value) = self.cached(py, dependency.cache_key) {
                self.values.results.push(Some(value));
                return None;
            }
        }
        let called = match crate::vectorcall::call(dependable.call.bind(py), &args, keyword_names.as_ref()) {
            Ok(called) => called,
            Err(err) => return self.raise(err),
        };
        let entered = match dependable.kind {
            DependableKind::Function => return self.record(py, step, Ok(called.unbind()), None),
            DependableKind::Generator => {
                let value = called.call_method0(intern!(py, "__enter__"));
                let entered = Entered {
                    manager: called.unbind(),
                    is_async: false,
                };
                return self.record(py, step, value.map(Bound::unbind), Some(entered));
            }
            DependableKind::Coroutine => None,
            DependableKind::AsyncGenerator => Some(Entered {
                manager: called.clone().unbind(),
                is_async: true,
            }),
        };
        let coroutine = match &entered {
            Some(entered) => entered.manager.bind(py).call_method0(intern!(py, "__aenter__")),
            None => Ok(called),
        };
        self.submit(coroutine, Awaiting::Step(step, entered))
    }

    /// A step's value: cached (the first value is cached even under
    /// `use_cache=False`, as in FastAPI) and, for a generator, its context
    /// manager entered on its scope's stack. An exception starts unwinding.
    fn record(
        &mut self,
        py: Python<'_>,
        step: usize,
        value: PyResult<Py<PyAny>>,
        entered: Option<Entered>,
    ) -> Option<oneshot::Receiver<Py<PyAny>>> {
        let dependency = &self.call.route.dependencies[step];
        let value = match value {
            Ok(value) => value,
            Err(err) => return self.raise(err),
        };
        if let Some(entered) = entered {
            self.exits.push(dependency.scope, entered);
        }
        if !self.cache.iter().any(|(key, _)| *key == dependency.cache_key) {
            self.cache.push((dependency.cache_key, value.clone_ref(py)));
        }
        self.values.results.push(Some(value));
        None
    }

    /// The value an earlier step with this cache key produced.
    fn cached(&self, py: Python<'_>, key: usize) -> Option<Py<PyAny>> {
        self.cache
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, value)| value.clone_ref(py))
    }

    /// The handler's arguments, then the 422 or the call. `Ok(Some)` if it
    /// must wait for the handler's coroutine; `Err` answers at once.
    fn run_handler(&mut self, py: Python<'_>) -> Result<Option<oneshot::Receiver<Py<PyAny>>>, Box<Response>> {
        let route = self.call.route;
        self.phase = Phase::Exits;
        let arguments = match self.values.arguments(py, self.call, route.params) {
            Ok(arguments) => arguments,
            Err(err) => return Ok(self.raise(err)),
        };
        let arguments = arguments.filter(|_| self.values.errors.is_empty());
        let Some((args, keyword_names)) = arguments else {
            return self.validation_failed(py).map(|()| None);
        };
        let handler = python::handler(py, route.handler);
        match crate::vectorcall::call(handler, &args, keyword_names.as_ref()) {
            Ok(coroutine) if self.is_async => Ok(self.submit(Ok(coroutine), Awaiting::Handler)),
            Ok(value) => {
                self.render(py, &value);
                Ok(None)
            }
            Err(err) => Ok(self.raise(err)),
        }
    }

    /// Parameters failed validation. With no `yield` dependency to pass
    /// through, the 422 is answered at once (no Python exception built);
    /// otherwise a `RequestValidationError` unwinds through them, as in
    /// FastAPI, and answers 422 only if it comes out unchanged.
    fn validation_failed(&mut self, py: Python<'_>) -> Result<(), Box<Response>> {
        if let Some(err) = self.values.errors.take_internal() {
            self.raise(err);
            return Ok(());
        }
        if self.exits.is_empty() {
            let errors = std::mem::take(&mut self.values.errors);
            let body = self.values.body.as_ref().map(|body| body.bind(py));
            return Err(Box::new(response::reject(py, self.call, errors, body)));
        }
        let body = self.values.body.as_ref().map(|body| body.bind(py).clone());
        match python::request_validation_error(py, &self.values.errors, body) {
            Ok(exception) => {
                self.validation = Some(exception.clone().unbind());
                self.raise(PyErr::from_value(exception));
            }
            Err(err) => {
                self.raise(err);
            }
        }
        Ok(())
    }

    /// The handler's return value, rendered as FastAPI serializes it.
    fn render(&mut self, py: Python<'_>, value: &Bound<'_, PyAny>) {
        let injected = self.values.injected(py);
        self.response = Some(response::render_return(py, self.call, value, injected.as_ref()));
    }

    /// Where an awaited coroutine's result goes.
    fn resume(&mut self, py: Python<'_>, awaiting: Awaiting, result: PyResult<Bound<'_, PyAny>>) {
        match awaiting {
            Awaiting::Step(step, entered) => {
                self.record(py, step, result.map(Bound::unbind), entered);
            }
            Awaiting::Handler => match result {
                Ok(value) => self.render(py, &value),
                Err(err) => {
                    self.raise(err);
                }
            },
            Awaiting::Exit => self.exited(result),
        }
    }

    /// Exits one entered context manager with the exception on its way
    /// out (or none); `Some` if it must wait for an `__aexit__`.
    fn exit(&mut self, py: Python<'_>, entered: Entered) -> Option<oneshot::Receiver<Py<PyAny>>> {
        let returned = exit_stack::exit_call(py, &entered, self.raised.as_ref());
        if !entered.is_async {
            self.exited(returned);
            return None;
        }
        match returned.and_then(|coroutine| python::submit_coroutine(&coroutine)) {
            Ok(done) => {
                self.awaiting = Some(Awaiting::Exit);
                Some(done)
            }
            Err(err) => {
                self.exited(Err(err));
                None
            }
        }
    }

    /// What an exit did to the exception on its way out: swallowed it,
    /// let it pass (`False`), or raised another.
    fn exited(&mut self, returned: PyResult<Bound<'_, PyAny>>) {
        match returned {
            Ok(returned) if exit_stack::suppressed(&returned) => self.raised = None,
            Ok(_) => {}
            Err(err) => self.raised = Some(err),
        }
    }

    /// The function scope is closed: FastAPI now has the handler's
    /// response (and sends it), or an exception to handle.
    fn function_closed(&mut self) {
        if self.raised.is_some() {
            self.response = None;
        } else if self.response.is_none() {
            // FastAPI's `response = await f(request)` was interrupted and
            // a function-scope dependency swallowed the exception.
            self.raised = Some(python::unbound_response_error());
        } else {
            self.sent = true;
        }
    }

    /// The answer, once both stacks are closed.
    fn finish(&mut self, py: Python<'_>) -> Response {
        let raised = self.raised.take();
        if self.sent {
            if let Some(err) = raised {
                // Starlette: the response has started; uvicorn logs it.
                python::log_exception(py, "exception in ASGI application", &err);
            }
            return self.response.take().unwrap_or_else(response::internal_error);
        }
        let Some(err) = raised else {
            // A request-scope dependency swallowed the exception.
            return response::render_exception(py, self.call, python::response_not_awaited_error(py));
        };
        let unchanged = self
            .validation
            .as_ref()
            .is_some_and(|validation| validation.bind(py).is(err.value(py)));
        if unchanged {
            let errors = std::mem::take(&mut self.values.errors);
            let body = self.values.body.as_ref().map(|body| body.bind(py));
            return response::reject(py, self.call, errors, body);
        }
        response::render_exception(py, self.call, err)
    }

    /// An exception from a dependency or the handler: no further callable
    /// runs; it unwinds through the exit stacks.
    fn raise(&mut self, err: PyErr) -> Option<oneshot::Receiver<Py<PyAny>>> {
        self.raised = Some(err);
        self.phase = Phase::Exits;
        None
    }

    /// Waits for `coroutine` on the event loop, then resumes at `then`.
    fn submit(
        &mut self,
        coroutine: PyResult<Bound<'_, PyAny>>,
        then: Awaiting,
    ) -> Option<oneshot::Receiver<Py<PyAny>>> {
        match coroutine.and_then(|coroutine| python::submit_coroutine(&coroutine)) {
            Ok(done) => {
                self.awaiting = Some(then);
                Some(done)
            }
            Err(err) => self.raise(err),
        }
    }
}

impl Drop for Solving<'_> {
    /// A request dropped while waiting (its connection closed): the
    /// generators it entered are closed, so their `finally` blocks run.
    fn drop(&mut self) {
        if self.exits.is_empty() {
            return;
        }
        Python::attach(|py| {
            self.exits
                .abandon(py, |coroutine| python::submit_coroutine(coroutine).map(drop))
        });
    }
}
