"""The dependables each route calls, fetched from the app at start-up.

The compiler decided which callables a route calls and in which order
(FastAPI's `solve_dependencies`: for each callable, its sub-dependencies
depth first, the route's `dependencies=[...]` before the handler's
`Depends()` parameters); the server needs the objects themselves. This
walks the same tree from the registered endpoint, with FastAPI's reading
of `Depends()` markers (a parameter default, or `Annotated` metadata), and
lists the dependables in that order (post-order: a dependable after its
own dependencies). The server checks the list against the compiled one.
"""

import contextlib
import copy
import functools
import inspect
import typing
from typing import Any, Iterable, List, Optional, Tuple

from .params import Depends, Param, Security
from ._plans import _signature


def _marker(handler: Any, name: str, parameter: inspect.Parameter) -> Optional[Depends]:
    """The `Depends()` a parameter declares, if any (the last one, as
    FastAPI); `Depends()` without a dependable calls the declared type."""
    _, hints = _signature(handler)
    found = None
    annotation = declared = hints.get(name)
    if typing.get_origin(annotation) is typing.Annotated:
        declared, *metadata = typing.get_args(annotation)
        for item in metadata:
            if isinstance(item, Depends):
                found = item
    if isinstance(parameter.default, Depends):
        found = parameter.default
    if found is not None and found.dependency is None:
        found = copy.copy(found)
        found.dependency = declared
    return found


def steps(endpoint: Any, route_dependencies: Iterable[Any]) -> List[Any]:
    """The dependables a route calls, each after its own dependencies."""
    found: List[Any] = []

    def solve(call: Any, extra: Iterable[Any]) -> None:
        signature, _ = _signature(call)
        markers = list(extra)
        for name, parameter in signature.parameters.items():
            marker = _marker(call, name, parameter)
            if marker is not None:
                markers.append(marker)
        for marker in markers:
            solve(marker.dependency, ())
            found.append(marker.dependency)

    solve(endpoint, route_dependencies or ())
    return found


def _unwrapped(call: Any) -> Any:
    while isinstance(call, functools.partial):
        call = call.func
    return inspect.unwrap(call)


def kind(call: Any) -> str:
    """What calling `call` gives, as FastAPI's `Dependant` classifies it:
    `function`, `coroutine`, `generator` or `async_generator` (a callable
    instance by its `__call__`; a class is called like a function)."""
    target = _unwrapped(call)
    if not inspect.isroutine(target) and not inspect.isclass(target):
        target = _unwrapped(getattr(type(target), "__call__", target))
    if inspect.isclass(target):
        return "function"
    if inspect.isasyncgenfunction(target):
        return "async_generator"
    if inspect.isgeneratorfunction(target):
        return "generator"
    if inspect.iscoroutinefunction(target):
        return "coroutine"
    return "function"


def describe(call: Any) -> Tuple[str, str, str]:
    """`(__module__, __qualname__, kind)` of a dependable, a callable
    instance named by its class, as the compiler names it."""
    named = call if hasattr(call, "__qualname__") else type(call)
    return (getattr(named, "__module__", ""), getattr(named, "__qualname__", repr(call)), kind(call))


def callable_for(call: Any, kind: str) -> Any:
    """What the server calls for a dependable: a generator wrapped as
    FastAPI wraps it, so that calling it gives a context manager."""
    if kind == "generator":
        return contextlib.contextmanager(call)
    if kind == "async_generator":
        return contextlib.asynccontextmanager(call)
    return call


def _marker_key(value: Any) -> Any:
    """What a default or `Annotated` metadata item declares, comparable
    between two callables (markers are new objects in each signature)."""
    if isinstance(value, Depends):
        scopes = tuple(value.scopes) if isinstance(value, Security) else ()
        return (type(value), value.dependency, value.use_cache, value.scope, scopes)
    if isinstance(value, Param):
        return (type(value), value.default, value.options)
    return value


def _declared(call: Any) -> List[Any]:
    """A callable's parameters as FastAPI reads them: name, kind, type and
    the markers that say where each value comes from."""
    signature, hints = _signature(call)
    declared = []
    for name, parameter in signature.parameters.items():
        annotation = hints.get(name, parameter.annotation)
        if typing.get_origin(annotation) is typing.Annotated:
            base, *metadata = typing.get_args(annotation)
            annotation = (base, [_marker_key(item) for item in metadata])
        declared.append((name, parameter.kind, annotation, _marker_key(parameter.default)))
    return declared


def override_parameters(original: Any, override: Any) -> Optional[List[Tuple[str, int, bool]]]:
    """The parameters of `override` (`app.dependency_overrides`) as
    (name, position, keyword-only), if each is one of `original`'s,
    declared the same way (name, kind, type, markers); else None."""
    known = {declared[0]: declared for declared in _declared(original)}
    found = []
    for position, declared in enumerate(_declared(override)):
        if known.get(declared[0]) != declared:
            return None
        found.append((declared[0], position, declared[1] is inspect.Parameter.KEYWORD_ONLY))
    return found


def describe_parameters(call: Any) -> str:
    """`(a, b)`: a callable's parameter names, for messages."""
    signature, _ = _signature(call)
    return "(" + ", ".join(signature.parameters) + ")"


def direct_call(call: Any) -> Optional[Any]:
    """What the server calls instead of a `fastapi.security` scheme whose
    `__call__` is turbo's own (a coroutine that never awaits, kept so that
    subclasses can await it): the scheme's synchronous `_resolve`, the same
    work without a coroutine. `None` for anything else (a subclass with its
    own `__call__` is called as written)."""
    # Found through the call's classes: `fastapi.security` is not imported
    # until the app imports it (it costs start-up time).
    for cls in type(call).__mro__:
        if cls.__name__ == "SecurityBase" and cls.__module__ == "turboapi.security.base":
            return call._resolve if type(call).__call__ is cls.__call__ else None
    return None


class RequestScope:
    """The request-scope `yield` dependencies still open when a streamed
    response starts. FastAPI closes its request `AsyncExitStack` after the
    response is sent, stream and background included, so a session a
    dependency yields serves the whole stream; the server hands these to
    the stream, which closes them when it stops."""

    def __init__(self, managers: List[Tuple[Any, bool]]) -> None:
        # (context manager, is async), in the order they were entered.
        self.managers = managers

    async def close(self, background: Any, ended: bool) -> None:
        """Runs the response's background if the stream ended, then exits
        the dependencies, innermost first, with what the background raised
        (as `async with request_stack: await response(...)` does)."""
        stack = contextlib.AsyncExitStack()
        for manager, is_async in self.managers:
            if is_async:
                stack.push_async_exit(manager)
            else:
                stack.push(manager)
        async with stack:
            if ended and background is not None:
                await background()

    def abandon(self) -> List[Any]:
        """The stream never started (a HEAD request, or the client left):
        the generators are closed (`GeneratorExit`), innermost first; the
        `aclose()` coroutines of async ones are returned for the loop."""
        closing = []
        for manager, is_async in reversed(self.managers):
            if is_async:
                closing.append(manager.gen.aclose())
            else:
                manager.gen.close()
        return closing
