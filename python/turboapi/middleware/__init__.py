"""Middleware declarations: `Middleware(cls, ...)`, as Starlette's.

turbo serves the middleware it implements natively (`middleware.cors`)
from these declarations: the server reads `app.user_middleware` at
start-up. Nothing here runs per request.
"""

from typing import Any, Iterator

__all__ = ["Middleware"]


class Middleware:
    """Starlette's `Middleware`: a class and the arguments to build it with."""

    def __init__(self, cls: Any, *args: Any, **kwargs: Any) -> None:
        self.cls = cls
        self.args = args
        self.kwargs = kwargs

    def __iter__(self) -> Iterator[Any]:
        as_tuple = (self.cls, self.args, self.kwargs)
        return iter(as_tuple)

    def __repr__(self) -> str:
        class_name = self.__class__.__name__
        args_strings = [f"{value!r}" for value in self.args]
        option_strings = [f"{key}={value!r}" for key, value in self.kwargs.items()]
        name = getattr(self.cls, "__name__", "")
        args_repr = ", ".join([name] + args_strings + option_strings)
        return f"{class_name}({args_repr})"
