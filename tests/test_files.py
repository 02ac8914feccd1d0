"""FileResponse (issue 13), served by Rust from the file, against FastAPI's
TestClient over the same app (tests/apps/files, behind GZipMiddleware):
whole files below and above 64 KiB and at exactly 128 KiB, HEAD, single
and multipart ranges, suffix and open ranges, refused ranges (400, 416),
If-Range by ETag, date and weak tag, download names, compression, a
missing file; and a 1 GiB file served in bounded memory."""

import os
import re

import httpx
import pytest

from conftest import ROOT, Server, binary_fixture, load_with_fastapi

APP = ROOT / "tests" / "apps" / "files" / "app.py"
binary = binary_fixture(APP)

FILES = {
    "small.txt": b"hello file\n" * 30,
    "medium.txt": bytes(range(32, 127)) * 2200,  # 209 KiB of text
    "exact.txt": b"e" * (128 * 1024),
    "image.png": b"\x89PNG" + bytes(range(256)) * 300,
    "empty.txt": b"",
}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    directory = tmp_path_factory.mktemp("files")
    for name, content in FILES.items():
        (directory / name).write_bytes(content)
    os.utime(directory / "small.txt", (1_700_000_000, 1_700_000_000))
    return directory


def normalized(response, body: bytes):
    """Status, headers (in order, content-length apart) and raw body, with
    a multipart boundary (random) replaced."""
    headers = [(k, v) for k, v in response.headers.multi_items()
               if k not in ("date", "server", "content-length", "transfer-encoding")]
    boundary = re.search(r"boundary=([0-9a-f]+)", response.headers.get("content-type", ""))
    if boundary:
        body = body.replace(boundary.group(1).encode(), b"BOUNDARY")
        headers = [(k, v.replace(boundary.group(1), "BOUNDARY")) for k, v in headers]
    return response.status_code, response.headers.get("content-length"), headers, body


def fetch(client, method, path, headers):
    with client.stream(method, path, headers=headers) as response:
        return normalized(response, b"".join(response.iter_raw()))


def cases(small_etag, small_date):
    for name in FILES:
        for encoding in ("", "gzip"):
            yield "GET", f"/files/{name}", {"accept-encoding": encoding}
        yield "HEAD", f"/files/{name}", {}
    for value in ["bytes=0-99", "bytes=-100", "bytes=100-", "bytes=0-0,5-9", "bytes=0-10,5-20,300-400",
                  "bytes=1000000-", "bytes=x", "items=0-1", "bytes=5-2", "bytes=,", "bytes=0-65535",
                  "bytes=65536-131071"]:
        for name in ("medium.txt", "exact.txt"):
            yield "GET", f"/files/{name}", {"range": value, "accept-encoding": ""}
        yield "GET", "/files/medium.txt", {"range": value, "accept-encoding": "gzip"}
        yield "HEAD", "/files/medium.txt", {"range": value}
    for if_range in [small_etag, small_date, "W/" + small_etag, '"other"']:
        yield "GET", "/files/small.txt", {"range": "bytes=0-4", "if-range": if_range}
    yield "POST", "/files/small.txt", {"range": "bytes=0-4"}
    yield "GET", "/download/small.txt?as_name=report.txt", {}
    yield "GET", "/download/small.txt?as_name=r%C3%A9sum%C3%A9 1.txt", {}
    yield "GET", "/inline/small.txt", {}


def test_files_answer_as_starlette(binary, files, monkeypatch):
    from fastapi.testclient import TestClient

    monkeypatch.setenv("FILES_DIR", str(files))
    reference = TestClient(load_with_fastapi(APP), raise_server_exceptions=False)
    server = Server(binary, env={**os.environ, "FILES_DIR": str(files)})
    try:
        small = reference.get("/files/small.txt", headers={"accept-encoding": ""})
        compared = 0
        for method, path, headers in cases(small.headers["etag"], small.headers["last-modified"]):
            expected = fetch(reference, method, path, headers)
            actual = fetch(server.client, method, path, headers)
            assert actual == expected, (method, path, headers)
            compared += 1
        assert compared == 5 * 3 + 12 * 4 + 4 + 1 + 3
        missing = server.client.get("/files/nowhere.txt")
        assert (missing.status_code, missing.text) == (500, "Internal Server Error")
    finally:
        _, log = server.stop()
    assert "File at path" in log and "does not exist" in log


def test_the_background_runs_after_the_file(binary, files):
    server = Server(binary, env={**os.environ, "FILES_DIR": str(files)})
    try:
        assert server.client.get("/with-background/small.txt").content == FILES["small.txt"]
        assert server.client.get("/events").json() == ["small.txt"]
    finally:
        server.stop()


def test_a_1_gib_file_is_served_in_bounded_memory(binary, tmp_path):
    big = tmp_path / "big.bin"
    with open(big, "wb") as handle:
        handle.truncate(1 << 30)
    server = Server(binary, env={**os.environ, "FILES_DIR": str(tmp_path)})
    peak = 0.0
    received = 0
    try:
        with httpx.stream("GET", f"http://{server.address}/files/big.bin", timeout=120,
                          headers={"accept-encoding": "identity"}) as response:
            assert response.headers["content-length"] == str(1 << 30)
            for n, chunk in enumerate(response.iter_raw(1 << 20)):
                received += len(chunk)
                if n % 64 == 0:
                    with open(f"/proc/{server.process.pid}/status") as status:
                        rss = int(re.search(r"VmRSS:\s+(\d+)", status.read()).group(1)) / 1024
                    peak = max(peak, rss)
    finally:
        server.stop()
    assert received == 1 << 30
    print(f"peak RSS {peak:.1f} MiB")
    assert peak < 64, f"RSS reached {peak:.1f} MiB"
