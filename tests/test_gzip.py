"""GZipMiddleware (issue 13), served natively, against Starlette's own over
the same app (tests/apps/gzip, CORSMiddleware outside GZip): the raw bytes
on the wire (compressed bodies equal, so lengths too), status and every
header but `date`/`server`, for each Accept-Encoding and level; whole
bodies and streams (each chunk flushed)."""

import gzip
import os

import pytest

from conftest import ROOT, Server, binary_fixture, load_with_fastapi

APP = ROOT / "tests" / "apps" / "gzip" / "app.py"
binary = binary_fixture(APP)

PATHS = ["/small", "/large", "/text", "/edge?size=499", "/edge?size=500", "/png", "/encoded", "/partial",
         "/vary", "/missing-item", "/crash", "/nowhere", "/stream", "/stream?count=1", "/stream?count=0",
         "/stream-sse", "/stream-fails-first"]
ENCODINGS = [None, "gzip", "gzip, deflate, br", "identity", "x-gzip", "br"]


def raw(client, path, headers):
    with client.stream("GET", path, headers=headers) as response:
        body = b"".join(response.iter_raw())
        kept = [(k, v) for k, v in response.headers.multi_items()
                if k not in ("date", "server", "content-length", "transfer-encoding")]
        return response.status_code, body, response.headers.get("content-length"), kept


@pytest.mark.parametrize("level", ["9", "1", "-1"])
def test_gzip_answers_as_starlette(binary, level, monkeypatch):
    from fastapi.testclient import TestClient

    monkeypatch.setenv("GZIP_LEVEL", level)
    reference = TestClient(load_with_fastapi(APP), raise_server_exceptions=False)
    server = Server(binary, env={**os.environ, "GZIP_LEVEL": level})
    compressed = 0
    try:
        for path in PATHS:
            for encoding in ENCODINGS:
                for origin in (None, "https://a.example"):
                    headers = {"accept-encoding": encoding or ""}
                    if origin:
                        headers["origin"] = origin
                    expected = raw(reference, path, headers)
                    actual = raw(server.client, path, headers)
                    assert actual == expected, (level, path, headers)
                    if ("content-encoding", "gzip") in actual[3]:
                        compressed += 1
                        assert gzip.decompress(actual[1])
    finally:
        server.stop()
    # /large, /text, /edge?size=500, /vary, /missing-item and the two
    # non-empty streams, for each of the three encodings naming gzip, with
    # and without an origin.
    assert compressed == 7 * 3 * 2
