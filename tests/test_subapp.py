"""A FastAPI application mounted on the app (issue 13), against FastAPI's
TestClient over the same app (tests/apps/subapp): its routes and
included routers under the mount path, its own exception handlers,
`dependency_overrides`, `request.app`, `root_path`, URLs; its 404, 405 and
slash redirects, and the bare mount path's redirect; routes of the app
before and after the mount; its middleware (a function and GZip) around
its routes only, inside the app's."""

import pytest

from conftest import ROOT, app_fixtures

APP = ROOT / "tests" / "apps" / "subapp" / "app.py"
binary, server, reference = app_fixtures(APP)

REQUESTS = [
    ("GET", "/"),
    ("GET", "/v2/items/3"),
    ("GET", "/v2/items/x"),
    ("GET", "/v2/things/4"),
    ("GET", "/v2/nope"),
    ("GET", "/v2"),
    ("GET", "/v2/"),
    ("GET", "/v2/slash"),
    ("GET", "/v2/slash/"),
    ("GET", "/v2/items/3/"),
    ("GET", "/v2/fails"),
    ("GET", "/v2/shadowing"),
    ("GET", "/nope"),
    ("GET", "/after"),
    ("DELETE", "/v2/items/3"),
    ("POST", "/v2/items"),
    ("PUT", "/v2/items"),
]


def comparable(response):
    """Status, content-length, the other headers in order, body (hyper
    writes an empty body's content-length last: README's known
    differences)."""
    headers = [(k, v) for k, v in response.headers.multi_items()
               if k not in ("date", "server", "content-length", "transfer-encoding")]
    return response.status_code, response.headers.get("content-length"), headers, response.content


@pytest.mark.parametrize("method,path", REQUESTS)
def test_a_mounted_application_answers_as_under_starlette(server, reference, method, path):
    body = b'{"a": 1}' if method in ("POST", "PUT") else None
    headers = {"content-type": "application/json"}
    headers["accept-encoding"] = "gzip"
    ours = server.client.request(method, path, content=body, headers=headers)
    theirs = reference.request(method, path, content=body, headers=headers)
    assert comparable(ours) == comparable(theirs)
