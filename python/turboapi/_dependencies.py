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

import inspect
import typing
from typing import Any, Iterable, List, Optional

from .params import Depends
from ._plans import _signature


def _marker(handler: Any, name: str, parameter: inspect.Parameter) -> Optional[Depends]:
    """The `Depends()` a parameter declares, if any (the last one, as FastAPI)."""
    _, hints = _signature(handler)
    found = None
    annotation = hints.get(name)
    if typing.get_origin(annotation) is typing.Annotated:
        for item in typing.get_args(annotation)[1:]:
            if isinstance(item, Depends):
                found = item
    if isinstance(parameter.default, Depends):
        found = parameter.default
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
