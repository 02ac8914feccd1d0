"""turboapi.security against fastapi.security, class by class, in process.

Every scheme FastAPI exports is built the same way from both packages and
called on the same requests (the same ASGI-style scope given to Starlette's
`Request` and to turbo's `turboapi.requests.Request`): the result (a
credentials model compared by `model_dump()`) or the exception (its class,
FastAPI's or Starlette's `HTTPException`, status, detail, headers and
cause) must be equal. Constructor signatures, the attributes apps read
(`scheme_name`, `auto_error`, `realm`, `model`), `SecurityScopes` and the
OAuth2 password forms are compared too. No server and no cargo build.

turbo's package is imported under its own name `turboapi` from python/,
then `sys.modules` is put back as it was: conftest's `load_with_fastapi`
installs a `turboapi` stand-in for FastAPI reference apps, and neither may
see the other.
"""

import importlib
import inspect
import sys
import types
import typing
from base64 import b64encode

import fastapi
import fastapi.params
import fastapi.security as fa
import fastapi.security.http as fa_http
import pytest
import starlette.exceptions
import starlette.requests
from pydantic import BaseModel

from conftest import ROOT


def _import_turboapi() -> dict:
    def ours(name: str) -> bool:
        return name == "turboapi" or name.startswith("turboapi.")

    saved = {name: module for name, module in sys.modules.items() if ours(name)}
    for name in saved:
        del sys.modules[name]
    sys.path.insert(0, str(ROOT / "python"))
    try:
        modules = {
            name: importlib.import_module(f"turboapi.{name}")
            for name in (
                "security",
                "security.base",
                "security.http",
                "openapi.models",
                "requests",
                "exceptions",
                "_starlette_exceptions",
                "params",
                "_dependencies",
            )
        }
    finally:
        sys.path.remove(str(ROOT / "python"))
        for name in [name for name in sys.modules if ours(name)]:
            del sys.modules[name]
        sys.modules.update(saved)
    return modules


TURBO = _import_turboapi()
tb = TURBO["security"]
tb_http = TURBO["security.http"]


# --- requests -------------------------------------------------------------


def b64(text: str | bytes) -> bytes:
    return b64encode(text.encode() if isinstance(text, str) else text)


def auth(value: bytes) -> list:
    return [(b"authorization", value)]


REQUESTS = {
    "nothing": [],
    "other header": [(b"x-other", b"1")],
    "empty": auth(b""),
    "space only": auth(b" "),
    "bearer scheme only": auth(b"Bearer"),
    "bearer trailing space": auth(b"Bearer "),
    "bearer spaces only": auth(b"Bearer    "),
    "bearer": auth(b"Bearer abc.def"),
    "bearer lowercase": auth(b"bearer abc"),
    "bearer uppercase": auth(b"BEARER abc"),
    "bearer extra spaces": auth(b"Bearer   abc  def  "),
    "bearer leading space": auth(b" Bearer abc"),
    "bearer tab": auth(b"Bearer\tabc"),
    "bearer non-utf8": auth(b"Bearer \xe9t\xe9\xff"),
    "token scheme": auth(b"Token abc"),
    "basic": auth(b"Basic " + b64("alice:s3cret")),
    "basic lowercase": auth(b"basic " + b64("alice:s3cret")),
    "basic uppercase extra spaces": auth(b"BASIC   " + b64("alice:s3cret") + b"  "),
    "basic no colon": auth(b"Basic " + b64("alice")),
    "basic two colons": auth(b"Basic " + b64("alice:pa:ss")),
    "basic colon only": auth(b"Basic " + b64(":")),
    "basic empty password": auth(b"Basic " + b64("alice:")),
    "basic empty param": auth(b"Basic "),
    "basic scheme only": auth(b"Basic"),
    "basic unicode": auth(b"Basic " + b64("\u00e4lice:p\u00e4ss")),
    "basic latin-1 bytes": auth(b"Basic " + b64(b"al\xe9:pw")),
    "basic not base64": auth(b"Basic !!!not-base64!!!"),
    "basic bad padding": auth(b"Basic abc"),
    "basic no padding": auth(b"Basic " + b64("ab:c").rstrip(b"=")),
    "basic junk inside": auth(b"Basic " + b64("alice:s3cret")[:4] + b"*" + b64("alice:s3cret")[4:]),
    "basic non-utf8 header": auth(b"Basic \xff\xfe"),
    "basic newline inside": auth(b"Basic " + b64("a\nb:c")),
    "digest": auth(b'Digest username="alice", realm="r", nonce="n"'),
    "digest lowercase": auth(b"digest abc"),
    "digest scheme only": auth(b"Digest"),
    "two authorization headers": auth(b"Bearer first") + auth(b"Basic " + b64("a:b")),
    "uppercase raw header name": [(b"Authorization", b"Bearer abc")],
    "api key header": [(b"x-key", b"k3y")],
    "api key header empty": [(b"x-key", b"")],
    "api key header latin-1": [(b"x-key", b"\xe9\xff")],
    "api key header twice": [(b"x-key", b"one"), (b"x-key", b"two")],
    "cookie": [(b"cookie", b"session=abc; other=1")],
    "cookie empty": [(b"cookie", b"session=")],
    "cookie quoted": [(b"cookie", b'session="a\\"b\\054c"')],
    "cookie no name": [(b"cookie", b"abc")],
    "cookie two headers": [(b"cookie", b"session=one"), (b"cookie", b"session=two")],
    "cookie spaces": [(b"cookie", b"  session  =  abc  ")],
}

QUERIES = {
    "": b"",
    "key": b"api_key=k3y",
    "empty key": b"api_key=",
    "bare key": b"api_key",
    "key twice": b"api_key=one&api_key=two",
    "key percent": b"api_key=a%20b%2Bc+d",
    "key bad percent": b"api_key=%FF%zz",
    "key raw byte": b"api_key=\xe9",
    "other": b"x=1",
}

CASES = [(name, headers, b"") for name, headers in REQUESTS.items()] + [
    (f"query {name}", [], query) for name, query in QUERIES.items() if query
]


def scope(headers: list, query: bytes) -> dict:
    return {
        "type": "http",
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/",
        "raw_path": b"/",
        "root_path": "",
        "query_string": query,
        "headers": list(headers),
        "server": ("testserver", 80),
        "client": ("testclient", 50000),
    }


# --- schemes --------------------------------------------------------------


def schemes(security, http_module) -> dict:
    """Factories for every scheme, keyed by a name; `security` is
    fastapi.security or turboapi.security."""
    s = security
    return {
        "APIKeyQuery": lambda **kw: s.APIKeyQuery(name="api_key", **kw),
        "APIKeyQuery desc": lambda **kw: s.APIKeyQuery(name="api_key", scheme_name="Q", description="d", **kw),
        "APIKeyHeader": lambda **kw: s.APIKeyHeader(name="x-key", **kw),
        "APIKeyHeader caps": lambda **kw: s.APIKeyHeader(name="X-Key", scheme_name="H", **kw),
        "APIKeyCookie": lambda **kw: s.APIKeyCookie(name="session", description="c", **kw),
        "HTTPBasic": lambda **kw: s.HTTPBasic(**kw),
        "HTTPBasic realm": lambda **kw: s.HTTPBasic(realm="my realm", scheme_name="B", description="d", **kw),
        "HTTPBasic empty realm": lambda **kw: s.HTTPBasic(realm="", **kw),
        "HTTPBearer": lambda **kw: s.HTTPBearer(**kw),
        "HTTPBearer format": lambda **kw: s.HTTPBearer(bearerFormat="JWT", scheme_name="J", description="d", **kw),
        "HTTPDigest": lambda **kw: s.HTTPDigest(**kw),
        "HTTPDigest named": lambda **kw: s.HTTPDigest(scheme_name="D", description="d", **kw),
        "HTTPBase": lambda **kw: http_module.HTTPBase(scheme="bearer", **kw),
        "HTTPBase custom": lambda **kw: http_module.HTTPBase(scheme="my-custom scheme", description="d", **kw),
        "OAuth2": lambda **kw: s.OAuth2(**kw),
        "OAuth2 flows dict": lambda **kw: s.OAuth2(
            flows={"password": {"tokenUrl": "token", "scopes": {"me": "Read me"}}}, scheme_name="O", **kw
        ),
        "OAuth2 flows defaults": lambda **kw: s.OAuth2(
            flows={"implicit": {"authorizationUrl": "a"}, "clientCredentials": {"tokenUrl": "t", "x-extra": 1}}, **kw
        ),
        "OAuth2PasswordBearer": lambda **kw: s.OAuth2PasswordBearer(tokenUrl="token", **kw),
        "OAuth2PasswordBearer full": lambda **kw: s.OAuth2PasswordBearer(
            "token", "P", {"me": "Read me", "items": "Items"}, "desc", refreshUrl="refresh", **kw
        ),
        "OAuth2AuthorizationCodeBearer": lambda **kw: s.OAuth2AuthorizationCodeBearer(
            authorizationUrl="authorize", tokenUrl="token", **kw
        ),
        "OAuth2AuthorizationCodeBearer full": lambda **kw: s.OAuth2AuthorizationCodeBearer(
            "authorize", "token", "refresh", "A", {"me": "Read me"}, "desc", **kw
        ),
        "OpenIdConnect": lambda **kw: s.OpenIdConnect(openIdConnectUrl="https://example.com/.well-known", **kw),
        "OpenIdConnect named": lambda **kw: s.OpenIdConnect(
            openIdConnectUrl="/oidc", scheme_name="OIDC", description="d", **kw
        ),
    }


FASTAPI_SCHEMES = schemes(fa, fa_http)
TURBO_SCHEMES = schemes(tb, tb_http)
AUTO_ERROR = [{}, {"auto_error": True}, {"auto_error": False}]


def run_sync(coroutine):
    """Runs FastAPI's `async __call__`, which never awaits anything."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value
    coroutine.close()
    raise AssertionError("FastAPI's security dependency awaited something")


def describe(call, fastapi_class, starlette_class):
    """What a call gave, comparable across packages."""
    try:
        value = call()
    except starlette_class as exc:
        kind = "fastapi.HTTPException" if isinstance(exc, fastapi_class) else "starlette.HTTPException"
        cause = type(exc.__cause__).__name__ if exc.__cause__ is not None else None
        return ("raised", kind, exc.status_code, exc.detail, exc.headers, cause)
    except Exception as exc:  # noqa: BLE001 - any other error must match too
        return ("raised", type(exc).__name__, str(exc))
    if isinstance(value, BaseModel):
        return ("model", type(value).__name__, value.model_dump())
    return ("value", type(value).__name__, value)


def fastapi_outcome(scheme, headers, query):
    request = starlette.requests.Request(scope(headers, query))
    return describe(lambda: run_sync(scheme(request)), fastapi.HTTPException, starlette.exceptions.HTTPException)


def turbo_outcome(scheme, headers, query, direct=False):
    """Through `await scheme(request)`, as FastAPI and a subclass call it,
    or (`direct`) through `_resolve`, which the server calls instead."""
    request = TURBO["requests"].Request(scope(headers, query))
    return describe(
        (lambda: scheme._resolve(request)) if direct else (lambda: run_sync(scheme(request))),
        TURBO["exceptions"].HTTPException,
        TURBO["_starlette_exceptions"].HTTPException,
    )


@pytest.mark.parametrize("options", AUTO_ERROR, ids=["default", "auto_error", "no_auto_error"])
@pytest.mark.parametrize("name", list(FASTAPI_SCHEMES))
def test_same_result_for_every_request(name, options):
    reference = FASTAPI_SCHEMES[name](**options)
    ours = TURBO_SCHEMES[name](**options)
    outcomes = set()
    for case, headers, query in CASES:
        expected = fastapi_outcome(reference, headers, query)
        actual = turbo_outcome(ours, headers, query)
        assert actual == expected, f"{name} {options} on {case!r}"
        assert turbo_outcome(ours, headers, query, direct=True) == expected, f"{name} {options} on {case!r}"
        outcomes.add(expected[0])
    # The table reaches both sides of every scheme.
    assert "model" in outcomes or "value" in outcomes, name
    if options.get("auto_error", True):
        assert "raised" in outcomes, name


def test_the_table_reaches_every_branch():
    """The requests cover the outcomes that differ between schemes: a Basic
    value that does not decode raises even with auto_error=False."""
    basic = FASTAPI_SCHEMES["HTTPBasic"](auto_error=False)
    results = {case: fastapi_outcome(basic, headers, query)[0] for case, headers, query in CASES}
    assert results["basic"] == "model" and results["nothing"] == "value"
    assert results["basic no colon"] == results["basic not base64"] == results["basic unicode"] == "raised"


# --- constructors and attributes --------------------------------------------


def public_names(module) -> set:
    return {name for name, value in vars(module).items() if not name.startswith("_") and not inspect.ismodule(value)}


def test_same_exported_names():
    """FastAPI's, turbo's, and what the compiler accepts from
    `fastapi.security` (turbo-codegen's `imports::PROVIDED`) are one list."""
    from test_package import provided

    assert public_names(tb) == public_names(fa)
    assert public_names(tb) == set(provided()["fastapi.security"])


def comparable(default):
    if isinstance(default, BaseModel):
        return (type(default).__name__, default.model_dump(mode="json", by_alias=True))
    return default


CLASSES = sorted(public_names(fa)) + ["HTTPBase"]


def module_of(security, http_module, name):
    return http_module if name == "HTTPBase" else security


@pytest.mark.parametrize("name", CLASSES)
def test_same_constructor(name):
    reference = getattr(module_of(fa, fa_http, name), name)
    ours = getattr(module_of(tb, tb_http, name), name)
    if issubclass(reference, BaseModel):
        assert issubclass(ours, BaseModel)
        assert {n: (f.annotation, f.is_required()) for n, f in ours.model_fields.items()} == {
            n: (f.annotation, f.is_required()) for n, f in reference.model_fields.items()
        }
        return
    expected = inspect.signature(reference.__init__).parameters
    actual = inspect.signature(ours.__init__).parameters
    assert [(p.name, p.kind, comparable(p.default)) for p in actual.values()] == [
        (p.name, p.kind, comparable(p.default)) for p in expected.values()
    ]


SCHEME_CLASSES = [name for name in CLASSES if inspect.iscoroutinefunction(getattr(module_of(fa, fa_http, name), name).__call__)]


@pytest.mark.parametrize("name", SCHEME_CLASSES)
def test_call_is_a_coroutine_with_a_direct_twin(name):
    """`__call__` is `async def __call__(self, request)` as in FastAPI (a
    subclass may await it); `_resolve`, what the server calls, is sync."""
    cls = getattr(module_of(tb, tb_http, name), name)
    for method, is_coroutine in ((cls.__call__, True), (cls._resolve, False)):
        assert inspect.iscoroutinefunction(method) is is_coroutine
        assert list(inspect.signature(method).parameters) == ["self", "request"]
        assert typing.get_type_hints(method)["request"] is TURBO["requests"].Request
    assert TURBO["_dependencies"].direct_call(cls.__new__(cls)) is not None


def attributes(scheme) -> dict:
    seen = {key: value for key, value in vars(scheme).items() if key != "model"}
    model = scheme.model
    seen["model"] = (type(model).__name__, model.model_dump(mode="json", by_alias=True), model.model_dump(mode="json"))
    for field in ("in_", "type_"):
        if hasattr(model, field):
            seen[field] = (type(getattr(model, field)).__name__, getattr(model, field).value)
    for name in ("make_authenticate_headers", "make_not_authenticated_error"):
        if hasattr(scheme, name):
            result = getattr(scheme, name)()
            seen[name] = result if isinstance(result, dict) else (result.status_code, result.detail, result.headers)
    return seen


@pytest.mark.parametrize("options", AUTO_ERROR, ids=["default", "auto_error", "no_auto_error"])
@pytest.mark.parametrize("name", list(FASTAPI_SCHEMES))
def test_same_attributes(name, options):
    reference = FASTAPI_SCHEMES[name](**options)
    ours = TURBO_SCHEMES[name](**options)
    assert attributes(ours) == attributes(reference)
    assert ours.scheme_name == reference.scheme_name and ours.auto_error == reference.auto_error


def _openapi_models() -> list[str]:
    import fastapi.openapi.models as models

    return [
        name
        for name, value in vars(models).items()
        if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == models.__name__
    ]


#: Every pydantic model of `fastapi.openapi.models` (the document's, and
#: the security schemes' `model`s).
OPENAPI_MODELS = _openapi_models()


@pytest.mark.parametrize("name", OPENAPI_MODELS)
def test_same_openapi_models(name):
    """The `model` classes: same fields, aliases, defaults and config."""
    import fastapi.openapi.models as reference_models

    reference = getattr(reference_models, name)
    ours = getattr(TURBO["openapi.models"], name)

    def shape(annotation):
        # `X | None` and `Optional[X]` alike; classes by name (each package has its own).
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if origin in (typing.Union, types.UnionType):
            return ("Union", frozenset(shape(arg) for arg in args))
        if origin is typing.Literal:
            return ("Literal", args)
        if origin is not None:
            return (shape(origin), tuple(shape(arg) for arg in args))
        return getattr(annotation, "__name__", repr(annotation))

    def fields(model) -> dict:
        return {
            field: (info.alias, info.is_required(), repr(info.default), shape(info.annotation))
            for field, info in model.model_fields.items()
        }

    assert fields(ours) == fields(reference)
    assert ours.model_config.get("extra") == reference.model_config.get("extra")


@pytest.mark.parametrize("scopes", [None, [], ["me"], ["items:read", "me", "items:read"]])
def test_security_scopes(scopes):
    reference = fa.SecurityScopes(scopes=scopes)
    ours = tb.SecurityScopes(scopes=scopes)
    assert (ours.scopes, ours.scope_str) == (reference.scopes, reference.scope_str)
    assert vars(ours) == vars(reference)
    assert vars(tb.SecurityScopes()) == vars(fa.SecurityScopes())


FORMS = [
    {"username": "alice", "password": "pw"},
    {"username": "alice", "password": "pw", "scope": "  me  items:read\titems:write \n"},
    {"grant_type": "password", "username": "a", "password": "", "scope": "", "client_id": "c", "client_secret": "s"},
]


@pytest.mark.parametrize("form", FORMS)
def test_password_request_forms(form):
    assert vars(tb.OAuth2PasswordRequestForm(**form)) == vars(fa.OAuth2PasswordRequestForm(**form))
    strict = {"grant_type": "password", **form}
    assert vars(tb.OAuth2PasswordRequestFormStrict(**strict)) == vars(fa.OAuth2PasswordRequestFormStrict(**strict))
    positional = [strict["grant_type"], strict["username"], strict["password"]]
    assert vars(tb.OAuth2PasswordRequestFormStrict(*positional)) == vars(fa.OAuth2PasswordRequestFormStrict(*positional))


def form_markers(cls, form_class) -> dict:
    """Each parameter's type and the options of its `Form()` marker."""
    markers = {}
    for name, annotation in typing.get_type_hints(cls.__init__, include_extras=True).items():
        if name == "return":
            continue
        base, *metadata = typing.get_args(annotation)
        (marker,) = [m for m in metadata if isinstance(m, form_class)]
        if isinstance(marker, fastapi.params.Form):
            pattern = next((m.pattern for m in marker.metadata if hasattr(m, "pattern")), None)
            extra = marker.json_schema_extra
        else:
            pattern = marker.options.get("pattern")
            extra = marker.options.get("json_schema_extra")
        markers[name] = (base, pattern, extra)
    return markers


@pytest.mark.parametrize("name", ["OAuth2PasswordRequestForm", "OAuth2PasswordRequestFormStrict"])
def test_password_request_form_markers(name):
    expected = form_markers(getattr(fa, name), fastapi.params.Form)
    actual = form_markers(getattr(tb, name), TURBO["params"].FormParam)
    assert actual == expected
