"""How handlers run (issue 11), against tests/apps/execution: coroutines as
real asyncio Tasks of a loop on the I/O thread (concurrency, identity,
timeouts, cancellation, executors, contextvars, async exception handlers),
compared with FastAPI where FastAPI's answer is the same; `def` code
inline or in the worker pool (automatic, by option, by route), a blocking
handler that leaves the rest of the server serving, and shutdown with
requests in flight or a handler holding the I/O thread."""

import concurrent.futures
import signal
import subprocess
import time

import httpx
import pytest

from conftest import ROOT, Server, binary_fixture, load_with_fastapi
from test_differential import assert_same

APP = ROOT / "tests" / "apps" / "execution" / "app.py"
binary = binary_fixture(APP)


@pytest.fixture(scope="module")
def srv(binary):
    server = Server(binary)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def reference():
    from fastapi.testclient import TestClient

    return TestClient(load_with_fastapi(APP), raise_server_exceptions=False, follow_redirects=False)


SAME_AS_FASTAPI = [
    "/task-identity",
    "/timeout",
    "/wait-for",
    "/raise-after-await",
    "/http-error-after-await",
    "/slow-handler",
    "/slow-handler-sync",
    "/executor",
    "/background-task",
    "/gather?n=6",
    "/async-generator",
    "/context/async-dependency",
    "/context/def-dependency",
    "/context/set?value=a",
    "/context/get",
    "/context/set-sync?value=b",
    "/context/get-sync",
    "/context/get",
    "/def/loop",
    "/def/asyncio-run",
    "/task-in-dependency",
    "/sleep-async?ms=3",
]


@pytest.mark.parametrize("path", SAME_AS_FASTAPI)
def test_same_as_fastapi(srv, reference, path):
    assert_same(reference, srv, "GET", path)


def test_context_set_by_one_request_does_not_reach_the_next(srv):
    for setter in ("/context/set?value=leak", "/context/set-sync?value=leak"):
        assert srv.client.get(setter).json() == {"value": "leak"}
        assert srv.client.get("/context/get").json() == {"value": "unset"}
        assert srv.client.get("/context/get-sync").json() == {"value": "unset"}


def test_a_cancelled_task_is_a_500_and_the_server_keeps_serving(srv):
    response = srv.client.get("/cancelled")
    assert response.status_code == 500
    assert response.text == "Internal Server Error"
    assert srv.client.get("/task-identity").json()["same"] is True


def test_a_hundred_suspended_requests_run_at_once(srv):
    """Each answers only when all 100 are inside the handler together."""
    with concurrent.futures.ThreadPoolExecutor(100) as pool:
        responses = list(pool.map(lambda _: httpx.get(f"http://{srv.address}/rendezvous?n=100", timeout=30), range(100)))
    assert [r.status_code for r in responses] == [200] * 100
    assert all(r.json()["all_arrived"] for r in responses)


def test_an_asyncio_library_works_in_a_handler(srv):
    """httpx (anyio, sniffio) from a handler to this same server: it needs a
    current task, the running loop and real sockets driven by the loop."""
    response = srv.client.get("/httpx-loopback", headers={"host": srv.address})
    assert response.json() == {"statuses": [200, 200], "slept": 5}


def test_a_request_abandoned_while_suspended_does_not_disturb_the_server(srv):
    with pytest.raises(httpx.TimeoutException):
        httpx.get(f"http://{srv.address}/sleep-async?ms=500", timeout=0.05)
    assert srv.client.get("/sleep-async?ms=1").json() == {"slept": 1}
    time.sleep(0.6)  # the abandoned coroutine finishes on the loop
    assert srv.client.get("/task-identity").json()["same"] is True


def test_fast_def_code_stays_on_the_io_thread(srv):
    for _ in range(200):
        assert srv.client.get("/thread/fast").json() == {"thread": "MainThread"}


def start(binary, *args):
    return Server(binary, *args)


def stop_and_log(server):
    code, log = server.stop()
    assert code == 0, log
    return log


def test_a_blocking_route_moves_to_the_pool_and_says_so(binary):
    server = start(binary)
    try:
        first = server.client.get("/thread/sleep?ms=60").json()
        assert first == {"thread": "MainThread"}
        after = server.client.get("/thread/sleep?ms=1").json()
        assert after["thread"].startswith("turbo-worker-")
        # Other routes are not affected.
        assert server.client.get("/thread/fast").json() == {"thread": "MainThread"}
    finally:
        log = stop_and_log(server)
    assert "GET /thread/sleep blocks the I/O thread" in log
    assert "/thread/fast" not in log


def test_a_route_of_coroutines_only_stays_on_the_io_thread(binary):
    server = start(binary)
    try:
        for _ in range(4):
            answer = server.client.post("/async/slow-validation", json={"name": "x"}).json()
            assert answer == {"name": "x", "thread": "MainThread"}
    finally:
        assert "blocks the I/O thread" not in stop_and_log(server)


def test_a_blocking_dependency_moves_its_route_and_the_async_handler_stays_on_the_loop(binary):
    server = start(binary)
    try:
        server.client.get("/thread/dependency")
        moved = server.client.get("/thread/dependency").json()
        assert moved["dependency_thread"].startswith("turbo-worker-")
        assert moved["handler_on_main"] is True
    finally:
        stop_and_log(server)


def test_blocking_def_handlers_do_not_stall_the_server(binary):
    """Five requests block their threads until /thread/release is served;
    it can be only if the I/O thread is free. The barrier shows they ran
    at the same time, each on its own worker thread."""
    server = start(binary, "--threadpool", "GET /thread/wait-release", "--threadpool", "thread_barrier")
    try:
        client = f"http://{server.address}"
        with concurrent.futures.ThreadPoolExecutor(10) as pool:
            waiting = [pool.submit(httpx.get, f"{client}/thread/wait-release", timeout=30) for _ in range(5)]
            together = list(pool.map(lambda _: httpx.get(f"{client}/thread/barrier?parties=5", timeout=30), range(5)))
            assert server.client.get("/thread/release").json() == {"ok": True}
            assert [w.result().json() for w in waiting] == [{"released": True}] * 5
        assert all(r.json()["together"] for r in together)
        assert len({r.json()["thread"] for r in together}) == 5
    finally:
        stop_and_log(server)


def test_threads_keep_their_python_thread_state(binary):
    """A `threading.local` survives between requests on the I/O thread and
    on a worker thread: neither creates a thread state per call."""
    server = start(binary, "--threadpool", "thread_local", "--threads", "1")
    try:
        answers = [server.client.get("/thread/local").json() for _ in range(3)]
        assert answers == [{"calls_before": n, "thread": "turbo-worker-1"} for n in range(3)]
    finally:
        stop_and_log(server)
    server = start(binary)
    try:
        answers = [server.client.get("/thread/local").json() for _ in range(3)]
        assert answers == [{"calls_before": n, "thread": "MainThread"} for n in range(3)]
    finally:
        stop_and_log(server)


def test_def_code_options(binary):
    server = start(binary, "--def-code", "threadpool")
    try:
        assert server.client.get("/thread/fast").json()["thread"].startswith("turbo-worker-")
        assert server.client.get("/def/loop").json() == {"running_loop": False}
    finally:
        stop_and_log(server)
    server = start(binary, "--inline", "/thread/sleep", "--threads", "2")
    try:
        for _ in range(4):
            assert server.client.get("/thread/sleep?ms=30").json() == {"thread": "MainThread"}
    finally:
        assert "blocks the I/O thread" not in stop_and_log(server)


def test_a_route_option_naming_no_route_is_refused(binary):
    result = subprocess.run(
        [str(binary), "--port", "0", "--threadpool", "GET /nowhere"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 1
    assert '--inline/--threadpool "GET /nowhere" names no route of this app' in result.stderr


def test_shutdown_lets_requests_in_flight_finish(binary):
    server = start(binary, "--threadpool", "thread_sleep")
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        coroutine = pool.submit(httpx.get, f"http://{server.address}/sleep-async?ms=400", timeout=30)
        blocking = pool.submit(httpx.get, f"http://{server.address}/thread/sleep?ms=400", timeout=30)
        time.sleep(0.15)
        server.process.send_signal(signal.SIGTERM)
        assert coroutine.result().json() == {"slept": 400}
        assert blocking.result().json()["thread"].startswith("turbo-worker-")
    # It exits by itself once they are answered (a second signal would force it).
    assert server.process.wait(timeout=15) == 0
    code, log = server.stop()
    assert code == 0, log
    assert "SIGTERM, shutting down" in log


def test_a_handler_holding_the_io_thread_cannot_hold_off_shutdown(binary):
    """A CPU-bound handler run inline keeps the I/O thread from noticing the
    signal; the signal thread ends the process once the grace period is over."""
    server = start(binary, "--inline", "spin", "--graceful-timeout", "1")
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        spinning = pool.submit(httpx.get, f"http://{server.address}/spin?seconds=60", timeout=90)
        time.sleep(0.3)
        sent = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        code = server.process.wait(timeout=30)
        waited = time.monotonic() - sent
        with pytest.raises(httpx.HTTPError):
            spinning.result()
    log = server.process.stderr.read()
    assert code == 1
    assert "a handler still holds the I/O thread 1s after SIGTERM; exiting" in log
    # Far less than the 60 s the handler would take.
    assert waited < 20
