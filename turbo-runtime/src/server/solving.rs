//! One request's progress through its route, as FastAPI's
//! `get_request_handler` and `solve_dependencies` run it: read the body if
//! the route has body parameters; call each dependency step in order (its
//! own parameters extracted first); extract the handler's parameters and
//! answer 422 with every error gathered, or call the handler; then close
//! the `yield` dependencies' exit stacks, letting an exception pass through
//! them.
//!
//! The compiler decided everything per route and emitted it as static
//! data; this state machine only follows it. [`Solving::advance`] runs the
//! synchronous stretch up to the next coroutine (an `async def` dependable
//! or handler, an async generator's entry or exit, an `async def`
//! exception handler) and hands it back; the caller (`route_call/mod.rs`)
//! runs it on the event loop and resumes with the finished Task. A route
//! of plain `def`s runs in one go.

use pyo3::exceptions::PyRuntimeError;
use pyo3::intern;
use pyo3::prelude::*;
use smallvec::SmallVec;

use crate::extraction::arguments::RequestValues;
use crate::extraction::python_params;
use crate::extraction::rejection::Rejection;
use crate::extraction::request::Call;
use crate::python::calls;
use crate::python::dependables;
use crate::python::event_loop;
use crate::response::rendering::{self, Awaited, Rendered};
use crate::response::{self, Response};
use crate::server::exit_stack::{self, Closing, Entered, ExitStack};
use crate::spec::{BodyRead, DependableKind};

/// Where a request is in its route.
#[derive(Clone, Copy)]
enum Phase {
    ReadBody,
    /// The dependency step to run next.
    Step(usize),
    Handler,
    /// Closing the exit stacks.
    Exits,
    /// The response is decided before the handler ran (400, 422, an
    /// exception handler's answer).
    Answered,
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
    /// An `async def` exception handler answering for the handler's
    /// outcome (then the exit stacks close).
    Rendered(Awaited),
    /// An `async def` exception handler giving the final answer.
    Answer(Awaited),
}

/// Where [`Solving::advance`] stopped.
pub enum Advance {
    Done(Response),
    /// Run this coroutine, then resume with its finished Task.
    Coroutine(Py<PyAny>),
}

/// One request's progress through its route.
pub struct Solving {
    call: Call,
    is_async: bool,
    phase: Phase,
    /// The coroutine to run before advancing further, and what it is for.
    coroutine: Option<Py<PyAny>>,
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
    /// The context the request's coroutines run in, from its first one.
    pub context: Option<Py<PyAny>>,
}

impl Solving {
    pub fn new(call: Call, is_async: bool) -> Self {
        Solving {
            call,
            is_async,
            phase: Phase::ReadBody,
            coroutine: None,
            awaiting: None,
            values: RequestValues::default(),
            cache: SmallVec::new(),
            exits: ExitStack::default(),
            response: None,
            sent: false,
            raised: None,
            validation: None,
            context: None,
        }
    }

    pub fn call(&self) -> &Call {
        &self.call
    }

    /// Drops the Python objects the request holds, while the GIL is held
    /// (dropped later, pyo3 would queue them for the next acquisition).
    /// The request's context stays if `response` has a background or is a
    /// stream, which run in it (as Starlette runs them, in the request's
    /// task).
    pub fn release(&mut self, response: &Response) {
        self.values = RequestValues::default();
        self.call.python_request.take();
        self.cache.clear();
        if !response::has_background(response) && !response::is_stream(response) {
            self.context = None;
        }
        self.validation = None;
    }

    /// Runs until the request is answered or must wait for a coroutine;
    /// `resumed` is the finished Task of the last coroutine, or why there
    /// is none.
    pub fn advance(&mut self, py: Python<'_>, resumed: Option<PyResult<Py<PyAny>>>) -> Advance {
        if let Some(awaiting) = self.awaiting.take() {
            let result = match resumed {
                Some(Ok(task)) => event_loop::result(py, &task),
                Some(Err(err)) => Err(err),
                None => Err(PyRuntimeError::new_err("a request resumed without its coroutine")),
            };
            self.resume(py, awaiting, result);
        }
        let route = self.call.route;
        loop {
            if let Some(coroutine) = self.coroutine.take() {
                return Advance::Coroutine(coroutine);
            }
            match self.phase {
                Phase::ReadBody => {
                    self.phase = Phase::Step(0);
                    self.read_body(py);
                }
                Phase::Step(step) if step < route.dependencies.len() => self.run_step(py, step),
                Phase::Step(_) => self.phase = Phase::Handler,
                Phase::Handler => self.run_handler(py),
                Phase::Exits => match self.exits.next() {
                    Closing::Exit(entered) => self.exit(py, entered),
                    Closing::FunctionClosed => {
                        self.function_closed();
                        if self.sent {
                            self.hand_request_scope_to_stream(py);
                        }
                    }
                    Closing::Closed => {
                        let rendered = self.finish(py);
                        self.answer(py, rendered);
                    }
                },
                Phase::Answered => {
                    if let Some(response) = self.response.take() {
                        return Advance::Done(response);
                    }
                }
            }
        }
    }

    /// The final answer: at once, or after an exception handler's coroutine.
    fn answer(&mut self, py: Python<'_>, rendered: Rendered) {
        self.phase = Phase::Answered;
        match rendered {
            Rendered::Ready(response) => self.response = Some(response),
            Rendered::Awaiting(awaited) => {
                let coroutine = awaited.coroutine.clone_ref(py).into_bound(py);
                self.await_coroutine(Ok(coroutine), Awaiting::Answer(awaited));
            }
        }
    }

    /// FastAPI reads (and JSON-decodes) the body before validating anything.
    fn read_body(&mut self, py: Python<'_>) {
        let route = self.call.route;
        if route.body_plan.is_none() {
            return;
        }
        let body = if route.body == BodyRead::Form {
            python_params::read_form(py, &self.call)
        } else {
            python_params::read_body(py, &self.call)
        };
        match body {
            Ok(body) => self.values.body = Some(body.unbind()),
            Err(rejection) => {
                let rendered = rendering::reject(py, &self.call, rejection);
                self.answer(py, rendered);
            }
        }
    }

    /// Runs dependency step `step`: its arguments, then its cached value
    /// or a call.
    fn run_step(&mut self, py: Python<'_>, step: usize) {
        let route = self.call.route;
        let dependency = &route.dependencies[step];
        let dependable = dependables::dependable(route.handler, step);
        self.phase = Phase::Step(step + 1);
        if dependable.skipped {
            // An override above it does not declare it: never run.
            self.values.results.push(Some(py.None()));
            return;
        }
        let below_failed = dependable
            .children
            .iter()
            .any(|child| self.values.results[*child].is_none());
        let arguments = match self.values.arguments(py, &self.call, &dependable.params) {
            Ok(arguments) => arguments.filter(|_| !below_failed),
            Err(err) => return self.raise(err),
        };
        let Some((args, keyword_names)) = arguments else {
            self.values.results.push(None);
            return;
        };
        if dependency.use_cache {
            if let Some(value) = self.cached(py, dependency.cache_key) {
                self.values.results.push(Some(value));
                return;
            }
        }
        let called =
            match crate::python::vectorcall::call(dependable.call.bind(py), &args, keyword_names.as_ref()) {
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
        self.await_coroutine(coroutine, Awaiting::Step(step, entered))
    }

    /// A step's value: cached (the first value is cached even under
    /// `use_cache=False`, as in FastAPI) and, for a generator, its context
    /// manager entered on its scope's stack. An exception starts unwinding.
    fn record(&mut self, py: Python<'_>, step: usize, value: PyResult<Py<PyAny>>, entered: Option<Entered>) {
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
    }

    /// The value an earlier step with this cache key produced.
    fn cached(&self, py: Python<'_>, key: usize) -> Option<Py<PyAny>> {
        self.cache
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, value)| value.clone_ref(py))
    }

    /// The handler's arguments, then the 422 or the call.
    fn run_handler(&mut self, py: Python<'_>) {
        let route = self.call.route;
        self.phase = Phase::Exits;
        let arguments = match self.values.arguments(py, &self.call, route.params) {
            Ok(arguments) => arguments,
            Err(err) => return self.raise(err),
        };
        let arguments = arguments.filter(|_| self.values.errors.is_empty());
        let Some((args, keyword_names)) = arguments else {
            return self.validation_failed(py);
        };
        let handler = calls::handler(py, route.handler);
        match crate::python::vectorcall::call(handler, &args, keyword_names.as_ref()) {
            Ok(coroutine) if self.is_async => self.await_coroutine(Ok(coroutine), Awaiting::Handler),
            Ok(value) => self.render(py, &value),
            Err(err) => self.raise(err),
        }
    }

    /// Parameters failed validation. With no `yield` dependency to pass
    /// through, the 422 is answered at once (no Python exception built);
    /// otherwise a `RequestValidationError` unwinds through them, as in
    /// FastAPI, and answers 422 only if it comes out unchanged.
    fn validation_failed(&mut self, py: Python<'_>) {
        if let Some(err) = self.values.errors.take_internal() {
            return self.raise(err);
        }
        if self.exits.is_empty() {
            let invalid = self.invalid(py);
            let rendered = rendering::reject(py, &self.call, invalid);
            return self.answer(py, rendered);
        }
        let body = self.values.body.as_ref().map(|body| body.bind(py).clone());
        match calls::request_validation_error(py, &self.values.errors.to_body(), body) {
            Ok(exception) => {
                self.validation = Some(exception.clone().unbind());
                self.raise(PyErr::from_value(exception));
            }
            Err(err) => self.raise(err),
        }
    }

    /// The request's validation errors, as a rejection.
    fn invalid(&mut self, py: Python<'_>) -> Rejection {
        Rejection::Invalid {
            errors: std::mem::take(&mut self.values.errors),
            body: self.values.body.as_ref().map(|body| body.clone_ref(py)),
        }
    }

    /// The handler's return value, rendered as FastAPI serializes it.
    fn render(&mut self, py: Python<'_>, value: &Bound<'_, PyAny>) {
        let injected = self.values.injected(py);
        match rendering::render_return(py, &self.call, value, injected.as_ref()) {
            Rendered::Ready(mut response) => {
                // FastAPI's: a returned Response's own background wins; else
                // the request's BackgroundTasks run after it.
                if let Some(tasks) = self.values.background() {
                    if !response::is_server_error(&response) {
                        response::default_background(&mut response, tasks.clone_ref(py));
                    }
                }
                self.response = Some(response)
            }
            Rendered::Awaiting(awaited) => {
                let coroutine = awaited.coroutine.clone_ref(py);
                self.await_coroutine(Ok(coroutine.into_bound(py)), Awaiting::Rendered(awaited));
            }
        }
    }

    /// Where an awaited coroutine's result goes.
    fn resume(&mut self, py: Python<'_>, awaiting: Awaiting, result: PyResult<Bound<'_, PyAny>>) {
        match awaiting {
            Awaiting::Step(step, entered) => self.record(py, step, result.map(Bound::unbind), entered),
            Awaiting::Handler => match result {
                Ok(value) => self.render(py, &value),
                Err(err) => self.raise(err),
            },
            Awaiting::Exit => self.exited(result),
            Awaiting::Rendered(awaited) => self.response = Some(awaited.respond(py, result)),
            Awaiting::Answer(awaited) => self.response = Some(awaited.respond(py, result)),
        }
    }

    /// Exits one entered context manager with the exception on its way
    /// out (or none), or starts awaiting its `__aexit__`.
    fn exit(&mut self, py: Python<'_>, entered: Entered) {
        let returned = exit_stack::exit_call(py, &entered, self.raised.as_ref());
        if !entered.is_async {
            return self.exited(returned);
        }
        match returned {
            Ok(coroutine) => self.await_coroutine(Ok(coroutine), Awaiting::Exit),
            Err(err) => self.exited(Err(err)),
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
            self.raised = Some(calls::unbound_response_error());
        } else {
            self.sent = true;
        }
    }

    /// A streamed response keeps the request scope open: FastAPI closes
    /// it once the response is sent, so its `yield` dependencies (a
    /// database session) serve the stream; the stream closes them.
    fn hand_request_scope_to_stream(&mut self, py: Python<'_>) {
        let Some(stream) = self.response.as_mut().and_then(response::stream_mut) else {
            return;
        };
        let entered = self.exits.take_request();
        if entered.is_empty() {
            return;
        }
        let managers = entered
            .into_iter()
            .map(|entered| (entered.manager, entered.is_async))
            .collect::<Vec<_>>();
        match calls::request_scope(py, managers) {
            Ok(scope) => stream.belongs_to(None, Some(scope.unbind())),
            Err(err) => self.raised = Some(err),
        }
    }

    /// The answer, once both stacks are closed.
    fn finish(&mut self, py: Python<'_>) -> Rendered {
        let raised = self.raised.take();
        if self.sent {
            if let Some(err) = raised {
                // Starlette: the response has started; uvicorn logs it.
                calls::log_exception(py, "exception in ASGI application", &err);
            }
            return Rendered::Ready(self.response.take().unwrap_or_else(response::internal_error));
        }
        let Some(err) = raised else {
            // A request-scope dependency swallowed the exception.
            return rendering::render_exception(py, &self.call, calls::response_not_awaited_error(py));
        };
        let unchanged = self
            .validation
            .as_ref()
            .is_some_and(|validation| validation.bind(py).is(err.value(py)));
        if unchanged {
            let invalid = self.invalid(py);
            return rendering::reject(py, &self.call, invalid);
        }
        rendering::render_exception(py, &self.call, err)
    }

    /// An exception from a dependency or the handler: no further callable
    /// runs; it unwinds through the exit stacks.
    fn raise(&mut self, err: PyErr) {
        self.raised = Some(err);
        self.phase = Phase::Exits;
    }

    /// Stops at `coroutine`; its result goes where `then` says.
    fn await_coroutine(&mut self, coroutine: PyResult<Bound<'_, PyAny>>, then: Awaiting) {
        match coroutine {
            Ok(coroutine) => {
                self.coroutine = Some(coroutine.unbind());
                self.awaiting = Some(then);
            }
            Err(err) => self.raise(err),
        }
    }
}

impl Drop for Solving {
    /// A request dropped while waiting (its connection closed): the
    /// generators it entered are closed, so their `finally` blocks run.
    fn drop(&mut self) {
        if self.exits.is_empty() {
            return;
        }
        Python::attach(|py| self.exits.abandon(py, event_loop::schedule));
    }
}
