"""Mounts (issue 13), against FastAPI's TestClient over the same app
(tests/apps/static): StaticFiles with Starlette's headers, HEAD, ranges,
conditional requests (304), HTML mode (index files, the redirect to a
directory's slash, 404.html), 404 and 405 through the app's exception
handlers, the redirect of the bare mount path, a route declared before
the mount; plain ASGI apps mounted (the child scope's root_path, a stream,
the request body, an app that raises); then paths that try to leave the
directory, sent raw."""

import os
import re
import socket

import pytest

from conftest import ROOT, app_fixtures

APP = ROOT / "tests" / "apps" / "static" / "app.py"
PUBLIC = APP.parent / "public"
# A fixed modification time: ETag and Last-Modified derive from it.
os.utime(PUBLIC / "style.css", (1_700_000_000, 1_700_000_000))
binary, server, reference = app_fixtures(APP)

def comparable(response):
    """Status, content-length, the other headers in order and body, a
    multipart boundary (random) replaced. (hyper writes an empty body's
    content-length last; README's known differences.)"""
    headers = [(k, v) for k, v in response.headers.multi_items()
               if k not in ("date", "server", "content-length", "transfer-encoding")]
    body = response.content
    boundary = re.search(r"boundary=([0-9a-f]+)", response.headers.get("content-type", ""))
    if boundary:
        body = body.replace(boundary.group(1).encode(), b"BOUNDARY")
        headers = [(k, v.replace(boundary.group(1), "BOUNDARY")) for k, v in headers]
    return response.status_code, response.headers.get("content-length"), headers, body


def cases():
    css = "/public/style.css"
    yield "GET", css, {}
    yield "HEAD", css, {}
    yield "GET", css, {"Range": "bytes=0-3"}
    yield "GET", css, {"Range": "bytes=-5"}
    yield "GET", css, {"Range": "bytes=0-1,5-7"}
    yield "GET", css, {"Range": "bytes=100-"}
    yield "GET", css, {"If-Modified-Since": "Tue, 14 Nov 2023 22:13:20 GMT"}
    yield "GET", css, {"If-Modified-Since": "Tue, 14 Nov 2023 22:13:19 GMT"}
    yield "GET", css, {"If-None-Match": "*"}
    yield "GET", css, {"If-None-Match": "W/\"nope\", \"other\""}
    yield "GET", "/public/data.bin", {}
    yield "GET", "/public/data.bin", {"Range": "bytes=70000-70010"}
    yield "GET", "/public/data.json", {}
    yield "GET", "/public/docs/notes.md", {}
    for path in ("/public", "/public/", "/public/docs", "/public/docs/", "/public/nope", "/public/status",
                 "/public/style.css/", "/public/./style.css", "/public/docs/../style.css", "/public/%00",
                 "/public/" + "x" * 300, "/site", "/site/", "/site/?q=1", "/site/guide", "/site/guide?x=2",
                 "/site/guide/", "/site/missing", "/site/empty", "/site/empty/", "/site/404.html", "/elsewhere"):
        yield "GET", path, {}
    for method in ("POST", "PUT", "DELETE", "OPTIONS"):
        yield method, css, {}
    yield "HEAD", "/site/guide/", {}
    # Other ASGI apps, mounted.
    for path in ("/metrics", "/metrics/", "/metrics/x/y?a=1", "/ticker/", "/broken/"):
        yield "GET", path, {}
    yield "POST", "/ticker/now", {}


@pytest.mark.parametrize("method,path,headers", list(cases()))
def test_static_files_answer_as_starlette(server, reference, method, path, headers):
    body = b"posted body" if method == "POST" else None
    ours = server.client.request(method, path, headers=headers, content=body)
    theirs = reference.request(method, path, headers=headers, content=body)
    assert comparable(ours) == comparable(theirs)


def test_a_matching_etag_is_not_modified(server, reference):
    etag = reference.get("/public/style.css").headers["etag"]
    for tags in (etag, f"W/{etag}", f'"other", {etag}'):
        ours = server.client.get("/public/style.css", headers={"If-None-Match": tags})
        theirs = reference.get("/public/style.css", headers={"If-None-Match": tags})
        assert ours.status_code == 304
        assert comparable(ours) == comparable(theirs)


@pytest.mark.parametrize("target", ["/public/../app.py", "/public/%2e%2e/app.py", "/public/..%2fapp.py",
                                    "/public//etc/passwd", "/public/docs/../../app.py"])
def test_no_path_leaves_the_directory(server, target):
    host, port = server.address.split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 404 Not Found\r\n"), answer[:200]
    assert answer.endswith(b'{"detail":"Not Found"}')
