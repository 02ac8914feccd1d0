"""CORSMiddleware (issue 13), served natively, against Starlette's own over
the same app (tests/apps/cors) for four configurations: simple and
preflight requests, allowed and refused origins, methods, headers,
credentials, regex origins, private network, `expose_headers`, `Vary`
joined with the app's own, routing errors, handled and unhandled
exceptions. Status, body and every header (in order; only `date` and
`server` differ by server) must be equal."""

import os

import pytest

from conftest import ROOT, Server, binary_fixture, comparable_answer, load_with_fastapi

APP = ROOT / "tests" / "apps" / "cors" / "app.py"
binary = binary_fixture(APP)
CONFIGS = ["all", "all-credentials", "list", "regex"]

ORIGINS = [None, "https://a.example", "https://evil.example", "https://shop.example.org", "null"]
PATHS = [("GET", "/items"), ("POST", "/items"), ("GET", "/vary"), ("GET", "/forbidden"), ("GET", "/crash"),
         ("GET", "/folder"), ("GET", "/missing"), ("DELETE", "/items"), ("OPTIONS", "/items")]
PREFLIGHTS = [
    {"access-control-request-method": "GET"},
    {"access-control-request-method": "POST", "access-control-request-headers": "X-Token"},
    {"access-control-request-method": "POST", "access-control-request-headers": "x-token, Content-Type"},
    {"access-control-request-method": "DELETE", "access-control-request-headers": "X-Other"},
    {"access-control-request-method": "PUT"},
    {"access-control-request-method": "GET", "access-control-request-private-network": "true"},
]


def cases():
    for origin in ORIGINS:
        origin_header = {} if origin is None else {"origin": origin}
        for method, path in PATHS:
            body = b'{"name": "x"}' if method == "POST" else None
            yield method, path, origin_header, body
        if origin is not None:
            for preflight in PREFLIGHTS:
                yield "OPTIONS", "/items", {**origin_header, **preflight}, None


@pytest.mark.parametrize("config", CONFIGS)
def test_cors_answers_as_starlette(binary, config, monkeypatch):
    from fastapi.testclient import TestClient

    monkeypatch.setenv("CORS_CONFIG", config)
    reference = TestClient(load_with_fastapi(APP), raise_server_exceptions=False, follow_redirects=False)
    server = Server(binary, env={**os.environ, "CORS_CONFIG": config})
    try:
        compared = 0
        for method, path, headers, body in cases():
            expected = reference.request(method, path, headers=headers, content=body)
            actual = server.client.request(method, path, headers=headers, content=body)
            assert comparable_answer(actual) == comparable_answer(expected), (config, method, path, headers)
            compared += 1
        assert compared == len(ORIGINS) * len(PATHS) + (len(ORIGINS) - 1) * len(PREFLIGHTS)
    finally:
        server.stop()
