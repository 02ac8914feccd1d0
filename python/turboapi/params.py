"""Parameter declarations: `Query()`, `Path()`, `Header()`, `Cookie()`, `Body()`,
`Form()`, `File()`, and the `Depends()`/`Security()` markers.

turbo reads these from the source at compile time (default, alias,
convert_underscores and documentation options); at run time the server
passes every argument explicitly, so these objects only carry what was
written, like FastAPI's `FieldInfo` markers.
"""

from typing import Any

_UNSET: Any = ...


class Param:
    """What a parameter function was called with."""

    in_ = ""

    def __init__(self, default: Any = _UNSET, **options: Any) -> None:
        self.default = default
        self.options = options

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.default!r})"


class QueryParam(Param):
    in_ = "query"


class PathParam(Param):
    in_ = "path"


class HeaderParam(Param):
    in_ = "header"


class CookieParam(Param):
    in_ = "cookie"


class BodyParam(Param):
    in_ = "body"


class FormParam(BodyParam):
    """`Form()`: a field of a urlencoded or multipart form body."""


class FileParam(FormParam):
    """`File()`: a file (or its bytes) of a multipart form body."""


def Query(default: Any = _UNSET, **options: Any) -> Any:  # noqa: N802 - FastAPI's name
    return QueryParam(default, **options)


def Path(default: Any = _UNSET, **options: Any) -> Any:  # noqa: N802
    return PathParam(default, **options)


def Header(default: Any = _UNSET, **options: Any) -> Any:  # noqa: N802
    return HeaderParam(default, **options)


def Cookie(default: Any = _UNSET, **options: Any) -> Any:  # noqa: N802
    return CookieParam(default, **options)


def Body(default: Any = _UNSET, **options: Any) -> Any:  # noqa: N802
    return BodyParam(default, **options)


def Form(default: Any = _UNSET, **options: Any) -> Any:  # noqa: N802
    return FormParam(default, **options)


def File(default: Any = _UNSET, **options: Any) -> Any:  # noqa: N802
    return FileParam(default, **options)


class Depends:
    """`Depends(dependency, use_cache=True)`: what FastAPI's `Depends()`
    returns. turbo reads it from the source at compile time; at start-up the
    server walks the handlers' signatures for these markers to fetch the
    dependables it calls."""

    def __init__(self, dependency: Any = None, *, use_cache: bool = True, scope: Any = None) -> None:
        self.dependency = dependency
        self.use_cache = use_cache
        self.scope = scope

    def __repr__(self) -> str:
        name = getattr(self.dependency, "__name__", type(self.dependency).__name__)
        cache = "" if self.use_cache else ", use_cache=False"
        return f"Depends({name}{cache})"


class Security(Depends):
    """`Security(dependency, scopes=[...])`: a `Depends()` that also
    declares the OAuth2 scopes the route requires; they reach every
    `SecurityScopes` parameter below it (the compiler reads them)."""

    def __init__(
        self, dependency: Any = None, *, scopes: Any = None, use_cache: bool = True, scope: Any = None
    ) -> None:
        super().__init__(dependency, use_cache=use_cache, scope=scope)
        self.scopes = scopes or []
