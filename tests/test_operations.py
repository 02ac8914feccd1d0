"""Operations (issue 12), against tests/apps/operations: what ends a Python
program, raised by a handler, a dependency, a `yield` dependency's cleanup
or an exception handler, is a 500 with its traceback logged, as uvicorn
answers it, and the server keeps serving; at import, it is one clear error
and exit status 1."""

import concurrent.futures
import os
import signal
import socket
import subprocess
import time

import httpx

import pytest

from conftest import OPERATIONS_APP, ROOT, Server, build

APP = OPERATIONS_APP

EXITS = {
    "/exit/system-exit": "SystemExit: 3",
    "/exit/sys-exit": "SystemExit",
    "/exit/keyboard-interrupt": "KeyboardInterrupt",
    "/exit/generator-exit": "GeneratorExit",
    "/exit/async": "SystemExit: 4",
    "/exit/async-after-await": "SystemExit: 4",
    "/exit/async-keyboard-interrupt-after-await": "KeyboardInterrupt",
    "/exit/dependency": "SystemExit: 6",
    "/exit/exception-handler": "SystemExit: 5",
}


@pytest.fixture(scope="module")
def binary(operations_binary):
    return operations_binary


def test_what_ends_a_python_program_is_a_500_and_the_server_keeps_serving(binary):
    server = Server(binary)
    try:
        for path in EXITS:
            response = server.client.get(path)
            assert (response.status_code, response.text) == (500, "Internal Server Error"), path
            assert response.headers["content-type"] == "text/plain; charset=utf-8"
            assert server.client.get("/ok").json() == {"ok": True}
        # Raised by a cleanup after the response was decided: logged only.
        assert server.client.get("/exit/yield-cleanup").json() == {"value": 1}
        assert server.process.poll() is None
    finally:
        code, log = server.stop()
    assert code == 0, log
    for path, shown in EXITS.items():
        assert shown in log, f"{path}: no traceback with {shown!r} in the log"
    assert "SystemExit: 7" in log
    assert log.count("Traceback (most recent call last)") >= len(EXITS) + 1
    # Each error line says when and which request.
    import re

    stamp = r"ERROR: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z "
    assert re.search(stamp + "exception in handler of GET /exit/system-exit\n", log), log
    assert re.search(stamp + "exception in handler of GET /exit/dependency\n", log), log


@pytest.mark.parametrize("status", ["0", "3"])
def test_sys_exit_at_import_is_one_error_and_exit_status_1(binary, status):
    env = {**os.environ, "EXIT_AT_IMPORT": status}
    result = subprocess.run([str(binary), "--port", "0"], capture_output=True, text=True, timeout=30, env=env)
    assert result.returncode == 1, result.stderr
    assert "turbo: error: the app failed to import (traceback above)" in result.stderr
    assert "SystemExit" in result.stderr
    assert result.stdout == ""


def raw_get(address: str, path: str) -> socket.socket:
    host, port = address.split(":")
    sock = socket.create_connection((host, int(port)), timeout=15)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n".encode())
    return sock


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    sock.close()
    return b"".join(chunks)


def test_requests_queued_at_sigterm_are_all_answered(binary):
    """Five connections wait in the accept queue (a handler holds the I/O
    thread) when SIGTERM comes: each still gets its response."""
    server = Server(binary, "--inline", "sleep")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        holding = pool.submit(httpx.get, f"http://{server.address}/sleep?ms=800", timeout=15)
        time.sleep(0.3)
        queued = [raw_get(server.address, f"/sleep?ms={n}") for n in range(5)]
        server.process.send_signal(signal.SIGTERM)
        assert holding.result().json() == {"slept": 800}
    for n, sock in enumerate(queued):
        answer = read_all(sock)
        assert answer.startswith(b"HTTP/1.1 200 OK"), answer
        assert answer.endswith(b'{"slept":%d}' % n)
    assert server.process.wait(timeout=15) == 0
    server.stop()


def test_connections_during_the_drain_are_refused(binary):
    server = Server(binary)
    host, port = server.address.split(":")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        in_flight = pool.submit(httpx.get, f"http://{server.address}/async-sleep?ms=1500", timeout=15)
        time.sleep(0.3)
        server.process.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        assert server.process.poll() is None, "the server must still be draining"
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((host, int(port)), timeout=5)
        assert in_flight.result().json() == {"slept": 1500}
    assert server.process.wait(timeout=15) == 0
    server.stop()


def test_ctrl_c_lets_the_running_handler_finish(binary):
    server = Server(binary, "--inline", "sleep")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        running = pool.submit(httpx.get, f"http://{server.address}/sleep?ms=600", timeout=15)
        time.sleep(0.2)
        server.process.send_signal(signal.SIGINT)
        assert running.result().json() == {"slept": 600}
    assert server.process.wait(timeout=15) == 0
    code, log = server.stop()
    assert "SIGINT, shutting down" in log
    assert "KeyboardInterrupt" not in log


def test_cut_off_requests_are_counted(binary):
    server = Server(binary, "--graceful-timeout", "1")
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        slow = [pool.submit(httpx.get, f"http://{server.address}/async-sleep?ms=5000", timeout=15) for _ in range(2)]
        time.sleep(0.3)
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=15) == 0
        for request in slow:
            with pytest.raises(httpx.HTTPError):
                request.result()
    code, log = server.stop()
    assert "turbo: 2 requests still running after 1s; exiting without answering them" in log


def exchange(address: str, raw: bytes) -> bytes:
    host, port = address.split(":")
    sock = socket.create_connection((host, int(port)), timeout=15)
    sock.sendall(raw)
    return read_all(sock)


INVALID = [
    b"GET /ok HTTP/1.1\r\n\r\n",  # no Host
    b"GET /ok HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    b"POST /ok HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
    b"POST /ok HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
]


@pytest.mark.parametrize("raw", INVALID, ids=["no-host", "two-hosts", "chunked-twice", "gzip-chunked", "connect"])
def test_requests_breaking_http_1_1_get_uvicorns_400_and_the_connection_closes(binary, raw):
    server = Server(binary)
    try:
        # The request is followed by a valid one on the same connection:
        # it must not be served (the connection closes after the 400).
        answer = exchange(server.address, raw + b"GET /ok HTTP/1.1\r\nHost: a\r\n\r\n")
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400 Bad Request"), answer
        assert b"content-type: text/plain; charset=utf-8" in head
        assert b"connection: close" in head
        assert body == b"Invalid HTTP request received."
        assert server.client.get("/ok").json() == {"ok": True}
    finally:
        server.stop()


def test_http_1_0_needs_no_host(binary):
    server = Server(binary)
    try:
        answer = exchange(server.address, b"GET /ok HTTP/1.0\r\n\r\n")
        assert answer.startswith(b"HTTP/1.0 200 OK"), answer
        assert answer.endswith(b'{"ok":true}')
    finally:
        server.stop()


def test_version(binary):
    result = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    import sys

    expected = f"CPython {sys.version_info.major}.{sys.version_info.minor})"
    assert result.stdout.startswith("turbo-runtime 0.1.0 (runtime API "), result.stdout
    assert result.stdout.strip().endswith(expected), result.stdout


SYSTEMD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def start_bare(binary, *args, env=None, cwd="/"):
    """The server under an environment as bare as a systemd unit's."""
    return Server(binary, *args, env=env or {"PATH": SYSTEMD_PATH}, cwd=cwd)


@pytest.mark.parametrize("env", [{}, {"PATH": SYSTEMD_PATH}, {"PATH": SYSTEMD_PATH, "PYTHONHOME": "/nowhere"}],
                         ids=["env-i", "systemd-path", "stray-pythonhome"])
def test_starts_whatever_the_environment_and_directory(binary, env):
    import sys

    server = Server(binary, env=env, cwd="/")
    try:
        assert server.client.get("/ok").json() == {"ok": True}
    finally:
        code, log = server.stop()
    assert code == 0, log


def test_a_venv_provides_the_apps_packages(turbo, tmp_path):
    import sys
    import venv

    binary = build(turbo, ROOT / "tests" / "apps" / "venv_app" / "app.py", tmp_path / "server")
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=False)
    site = environment / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    (site / "turbo_venv_probe.py").write_text('VALUE = "from the venv"\n')

    server = start_bare(binary, "--venv", str(environment))
    try:
        answer = server.client.get("/").json()
        assert answer["value"] == "from the venv"
        # The standard library is the build interpreter's, not /usr's.
        assert answer["stdlib"].startswith(sys.base_prefix), answer
    finally:
        server.stop()

    server = start_bare(binary, env={"PATH": SYSTEMD_PATH, "TURBO_VENV": str(environment)})
    try:
        assert server.client.get("/").json()["value"] == "from the venv"
    finally:
        server.stop()

    without = subprocess.run([str(binary), "--port", "0"], capture_output=True, text=True, timeout=30,
                             env={"PATH": SYSTEMD_PATH}, cwd="/")
    assert without.returncode == 1
    assert "No module named 'turbo_venv_probe'" in without.stderr

    wrong = subprocess.run([str(binary), "--port", "0", "--venv", str(tmp_path)], capture_output=True, text=True,
                           timeout=30, env={"PATH": SYSTEMD_PATH}, cwd="/")
    assert wrong.returncode == 1
    assert f"--venv {tmp_path}: no " in wrong.stderr


def test_a_different_path_does_not_recompile_pyo3(turbo, tmp_path):
    """The interpreter is pinned for the generated crate's build, so a
    build from a shell with another PATH reuses the compiled pyo3."""
    hello = ROOT / "examples" / "hello" / "app.py"
    first = subprocess.run([str(turbo), "build", str(hello), "-o", str(tmp_path / "a")], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    (tmp_path / "bin").mkdir()
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}"}
    second = subprocess.run([str(turbo), "build", str(hello), "-o", str(tmp_path / "b")], capture_output=True,
                            text=True, env=env)
    assert second.returncode == 0, second.stderr
    assert "Compiling pyo3" not in second.stderr, second.stderr


def test_access_log_lines_are_uvicorns(binary):
    server = Server(binary, access_log=True)
    try:
        server.client.get("/ok?x=1%202")
        server.client.post("/ok")
        server.client.get("/exit/system-exit")
        peer = server.client.get("/ok")  # the client's address, for the expected lines
    finally:
        code, _ = server.stop()
    assert code == 0
    lines = server.stdout_after_banner().splitlines()
    assert len(lines) == 4, lines
    client = lines[0].split(" - ")[0].removeprefix("INFO:     ")
    host, port = client.rsplit(":", 1)
    assert host == "127.0.0.1" and port.isdigit()
    assert lines == [
        f'INFO:     {client} - "GET /ok?x=1%202 HTTP/1.1" 200 OK',
        f'INFO:     {client} - "POST /ok HTTP/1.1" 405 Method Not Allowed',
        f'INFO:     {client} - "GET /exit/system-exit HTTP/1.1" 500 Internal Server Error',
        f'INFO:     {client} - "GET /ok HTTP/1.1" 200 OK',
    ]


@pytest.mark.parametrize("flags", [["--no-access-log"], ["--log-level", "warning"]])
def test_access_log_can_be_turned_off(binary, flags):
    server = Server(binary, *flags, access_log=True)
    try:
        assert server.client.get("/ok").status_code == 200
    finally:
        server.stop()
    assert server.stdout_after_banner() == ""


def read_response(sock: socket.socket) -> bytes:
    sock.settimeout(15)
    return read_all(sock)


def test_a_declared_body_over_the_limit_is_413_before_100_continue(binary):
    server = Server(binary, "--limit-request-body", "1000")
    try:
        host, port = server.address.split(":")
        sock = socket.create_connection((host, int(port)), timeout=15)
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1073741824\r\nExpect: 100-continue\r\n\r\n")
        answer = read_response(sock)
        assert answer.startswith(b"HTTP/1.1 413 Payload Too Large"), answer
        assert b"100 Continue" not in answer
        assert b"connection: close" in answer
        assert answer.endswith(b'{"detail":"Request Entity Too Large"}')
        # Below the limit, as before.
        assert server.client.post("/echo", json={"a": 1}).json() == {"a": 1}
    finally:
        server.stop()


def test_a_chunked_body_over_the_limit_is_413(binary):
    server = Server(binary, "--limit-request-body", "1000")
    try:
        def chunks():
            yield b'{"a": "'
            for _ in range(10):
                yield b"x" * 500
            yield b'"}'

        response = server.client.post("/echo", content=chunks(), headers={"content-type": "application/json"})
        assert response.status_code == 413
        assert response.json() == {"detail": "Request Entity Too Large"}
        small = server.client.post("/echo", content=iter([b'{"a": ', b"2}"]), headers={"content-type": "application/json"})
        assert small.json() == {"a": 2}
    finally:
        server.stop()


def test_a_large_body_for_a_route_without_body_parameters_is_not_read(binary):
    server = Server(binary, "--limit-request-body", "1000")
    try:
        host, port = server.address.split(":")
        sock = socket.create_connection((host, int(port)), timeout=15)
        sock.sendall(b"POST /no-body HTTP/1.1\r\nHost: a\r\nContent-Length: 1073741824\r\n\r\n")
        answer = read_response(sock)
        assert answer.startswith(b"HTTP/1.1 200 OK"), answer
        assert b"connection: close" in answer
        assert answer.endswith(b'{"ok":true}')
    finally:
        server.stop()


def test_a_body_that_stops_arriving_is_408(binary):
    server = Server(binary, "--timeout-request-body", "0.5")
    try:
        host, port = server.address.split(":")
        sock = socket.create_connection((host, int(port)), timeout=15)
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n"
                     b'{"a": ')
        answer = read_response(sock)
        assert answer.startswith(b"HTTP/1.1 408 Request Timeout"), answer
        assert answer.endswith(b'{"detail":"Request Timeout"}')
        assert server.client.get("/ok").json() == {"ok": True}
    finally:
        server.stop()


def test_an_idle_keep_alive_connection_is_closed_after_the_timeout(binary):
    server = Server(binary, "--timeout-keep-alive", "0.5")
    try:
        host, port = server.address.split(":")
        sock = socket.create_connection((host, int(port)), timeout=15)
        sock.sendall(b"GET /ok HTTP/1.1\r\nHost: a\r\n\r\n")
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 OK")
        time.sleep(1.5)
        assert sock.recv(65536) == b"", "the idle connection is still open"
        sock.close()
    finally:
        code, log = server.stop()
    # An idle timeout is ordinary: nothing logged.
    assert "connection from" not in log


def test_requests_beyond_the_concurrency_limit_get_503(binary):
    server = Server(binary, "--limit-concurrency", "1")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        busy = pool.submit(httpx.get, f"http://{server.address}/async-sleep?ms=800", timeout=15)
        time.sleep(0.3)
        refused = httpx.get(f"http://{server.address}/ok", timeout=15)
        assert (refused.status_code, refused.text) == (503, "Service Unavailable")
        assert busy.result().json() == {"slept": 800}
    assert server.client.get("/ok").json() == {"ok": True}
    server.stop()


def test_at_the_descriptor_limit_the_server_backs_off_and_logs_once_per_interval(binary):
    import resource

    def few_descriptors():
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))

    process = subprocess.Popen([str(binary), "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=few_descriptors, env={**os.environ, "TURBO_NO_ACCESS_LOG": "1"})
    try:
        address = process.stdout.readline().split("http://")[1].split()[0]
        host, port = address.split(":")
        held = []
        for _ in range(100):
            try:
                held.append(socket.create_connection((host, int(port)), timeout=5))
            except OSError:
                break
        time.sleep(2)
        for sock in held:
            sock.close()
        time.sleep(0.5)
        assert httpx.get(f"http://{address}/ok", timeout=10).json() == {"ok": True}
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)
    log = process.stderr.read()
    failures = log.count("turbo: cannot accept connections")
    assert 1 <= failures <= 2, log


def pids_serving(server, count=8):
    """The worker pids that answer `count` concurrent requests."""
    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        answers = list(pool.map(lambda _: httpx.get(f"http://{server.address}/pid", timeout=15), range(count)))
    assert all(answer.status_code == 200 for answer in answers)
    return {answer.json()["pid"] for answer in answers}


def test_workers_share_one_socket_under_a_supervisor(binary):
    server = Server(binary, "--workers", "2", "--inline", "sleep")
    try:
        assert "with 2 worker processes (Ctrl+C to stop)" in server.banner
        # Each worker serves one /sleep at a time (inline): 4 at once need both.
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            slept = list(pool.map(lambda _: httpx.get(f"http://{server.address}/sleep?ms=300", timeout=15), range(4)))
        assert all(answer.json() == {"slept": 300} for answer in slept)
        seen = set()
        for _ in range(40):
            seen |= {httpx.get(f"http://{server.address}/pid", timeout=15).json()["pid"]}
        assert server.process.pid not in seen
    finally:
        code, log = server.stop()
    assert code == 0, log
    assert "turbo: SIGTERM, stopping 2 workers" in log


def test_a_crashed_worker_is_logged_and_replaced(binary):
    server = Server(binary, "--workers", "2")
    try:
        victim = server.client.get("/pid").json()["pid"]
        with pytest.raises(httpx.HTTPError):
            # Crashes whichever worker takes it: keep the same connection.
            while server.client.get("/pid").json()["pid"] != victim:
                pass
            server.client.get("/crash")
        deadline = time.monotonic() + 1
        while time.monotonic() < deadline:
            # Requests keep succeeding while the worker is replaced.
            assert httpx.get(f"http://{server.address}/ok", timeout=5).json() == {"ok": True}
        time.sleep(0.5)
        assert victim not in {httpx.get(f"http://{server.address}/pid", timeout=5).json()["pid"] for _ in range(20)}
    finally:
        code, log = server.stop()
    assert f"turbo: worker {victim} stopped (killed by signal 11 (SIGSEGV)); starting another" in log


def test_an_app_that_does_not_import_stops_the_supervisor_without_respawning(binary):
    env = {**os.environ, "EXIT_AT_IMPORT": "2", "TURBO_NO_ACCESS_LOG": "1"}
    started = time.monotonic()
    result = subprocess.run([str(binary), "--port", "0", "--workers", "3"], capture_output=True, text=True,
                            timeout=60, env=env)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("the app failed to import") == 1, result.stderr
    assert "stopped before it was ready (exit status 1); not restarting it" in result.stderr
    assert time.monotonic() - started < 30


def test_workers_are_replaced_after_max_requests(binary):
    server = Server(binary, "--workers", "2", "--max-requests", "10", "--max-requests-jitter", "5")
    try:
        first = server.client.get("/pid").json()["pid"]
        for _ in range(60):
            assert httpx.get(f"http://{server.address}/ok", timeout=10).json() == {"ok": True}
        time.sleep(0.5)
        later = {httpx.get(f"http://{server.address}/pid", timeout=10).json()["pid"] for _ in range(6)}
        assert first not in later
    finally:
        code, log = server.stop()
    assert code == 0, log
    assert "served --max-requests requests" in log


def test_sighup_replaces_the_workers_one_at_a_time(binary):
    server = Server(binary, "--workers", "2", "--inline", "sleep")
    try:
        before = pids_serving(server, count=4)
        server.process.send_signal(signal.SIGHUP)
        # Each new worker imports the app before an old one stops: wait
        # (bounded) until no old worker answers; requests succeed meanwhile.
        deadline = time.monotonic() + 30
        while True:
            after = {httpx.get(f"http://{server.address}/pid", timeout=10).json()["pid"] for _ in range(6)}
            if not (before & after) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert not (before & after)
    finally:
        code, log = server.stop()
    assert code == 0, log
    assert "turbo: SIGHUP, replacing the workers one at a time" in log
    assert "starting another" not in log, "a retired worker was restarted"


def test_a_worker_held_past_the_timeout_is_replaced(binary):
    server = Server(binary, "--workers", "2", "--timeout", "1", "--inline", "spin")
    try:
        stuck = server.client.get("/pid").json()["pid"]
        with pytest.raises(httpx.HTTPError):
            while server.client.get("/pid").json()["pid"] != stuck:
                pass
            server.client.get("/spin?seconds=30", timeout=20)
        time.sleep(0.5)
        pids = {httpx.get(f"http://{server.address}/pid", timeout=5).json()["pid"] for _ in range(20)}
        assert stuck not in pids and len(pids) >= 1
    finally:
        code, log = server.stop()
    assert f"turbo: worker {stuck} timed out" in log
    assert f"turbo: worker {stuck} stopped (exit status 1); starting another" in log


def test_proxy_headers_from_a_trusted_peer(binary):
    server = Server(binary, access_log=True)
    forwarded = {"x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.7, 127.0.0.1"}
    try:
        assert server.client.get("/client", headers=forwarded).json() == {
            "client": ["203.0.113.7", 0],
            "scheme": "https",
        }
        redirect = server.client.get("/redirected", headers=forwarded)
        assert (redirect.status_code, redirect.headers["location"]) == (307, "https://testserver/redirected/")
        plain = server.client.get("/client").json()
        assert plain["scheme"] == "http" and plain["client"][0] == "127.0.0.1"
    finally:
        server.stop()
    assert 'INFO:     203.0.113.7:0 - "GET /client HTTP/1.1" 200 OK' in server.stdout_after_banner()


@pytest.mark.parametrize("flags", [["--no-proxy-headers"], ["--forwarded-allow-ips", "10.0.0.1"]])
def test_proxy_headers_ignored_when_not_trusted(binary, flags):
    server = Server(binary, *flags)
    try:
        answer = server.client.get("/client", headers={"x-forwarded-proto": "https", "x-forwarded-for": "1.2.3.4"})
        assert answer.json()["scheme"] == "http"
        assert answer.json()["client"][0] == "127.0.0.1"
    finally:
        server.stop()


def test_the_health_path_is_answered_by_the_server(binary):
    """The app has no /healthz route: the server answers it itself."""
    server = Server(binary, "--health-path", "/healthz")
    try:
        answer = server.client.get("/healthz")
        assert (answer.status_code, answer.text) == (200, "OK")
        assert answer.headers["content-type"] == "text/plain; charset=utf-8"
        assert server.client.get("/ok").json() == {"ok": True}
    finally:
        server.stop()
    server = Server(binary)
    try:
        assert server.client.get("/healthz").status_code == 404
    finally:
        server.stop()
