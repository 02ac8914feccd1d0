"""Shared fixtures: the turbo CLI, built servers, and FastAPI reference apps.

Servers are real processes on ephemeral ports, spoken to over HTTP. Every
example is built once per test session (dependencies compile once into
turbo's shared target directory).
"""

import importlib.util
import os
import re
import signal
import subprocess
import sys
import types
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def turbo() -> Path:
    """The turbo CLI, built from this checkout."""
    subprocess.run(["cargo", "build", "--quiet", "-p", "turbo-codegen"], cwd=ROOT, check=True)
    return ROOT / "target" / "debug" / "turbo"


class Server:
    """A running turbo server process."""

    def __init__(
        self, binary: Path, *args: str, cwd: Path | None = None, env: dict | None = None, access_log: bool = False
    ):
        env = dict(os.environ if env is None else env)
        if not access_log:
            # Nothing reads stdout after the banner: a long access log would
            # fill the pipe and stall the server.
            env["TURBO_NO_ACCESS_LOG"] = "1"
        self.process = subprocess.Popen(
            [str(binary), "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
            env=env,
        )
        line = self.process.stdout.readline()
        match = re.search(r"http://(127\.0\.0\.1:\d+)", line)
        if not match:
            self.process.kill()
            raise RuntimeError(f"server did not start: {line!r} {self.process.stderr.read()}")
        self.address = match.group(1)
        self.banner = line
        # The Host header TestClient sends, so redirect URLs compare equal.
        self.client = httpx.Client(
            base_url=f"http://{self.address}", headers={"host": "testserver"}, follow_redirects=False, timeout=10
        )

    def stop(self) -> tuple[int, str]:
        self.client.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return self.process.returncode, self.process.stderr.read()

    def stdout_after_banner(self) -> str:
        """What the server wrote to stdout after its banner (once stopped)."""
        return self.process.stdout.read()


def comparable_answer(response):
    """A response as the differential tests of middleware compare it:
    status, body, content-length, and the other headers in order, without
    `date` and `server` (they differ by server). hyper writes an empty
    body's content-length after the other headers, so it is apart."""
    headers = [(k, v) for k, v in response.headers.multi_items() if k not in ("date", "server", "content-length")]
    return response.status_code, response.content, response.headers.get("content-length"), headers


def build(turbo: Path, app: Path, output: Path) -> Path:
    result = subprocess.run([str(turbo), "build", str(app), "-o", str(output)], capture_output=True, text=True)
    assert result.returncode == 0, f"turbo build {app} failed:\n{result.stderr}"
    return output


def binary_fixture(app: Path):
    """The module-scoped `binary` fixture of a test app, for `binary =
    binary_fixture(APP)`: its server, built once."""

    @pytest.fixture(scope="module")
    def binary(turbo, tmp_path_factory):
        return build(turbo, app, tmp_path_factory.mktemp(app.parent.name) / "server")

    return binary


def app_fixtures(app: Path):
    """The module-scoped fixtures of a test app, for `binary, server,
    reference = app_fixtures(APP)`: the server built once, one running
    server, and FastAPI's TestClient over the same app (redirects and
    server errors returned as responses, as a real client sees them)."""
    binary = binary_fixture(app)

    @pytest.fixture(scope="module")
    def server(binary):
        running = Server(binary)
        yield running
        running.stop()

    @pytest.fixture(scope="module")
    def reference():
        from fastapi.testclient import TestClient

        return TestClient(load_with_fastapi(app), follow_redirects=False, raise_server_exceptions=False)

    return binary, server, reference


OPERATIONS_APP = ROOT / "tests" / "apps" / "operations" / "app.py"


@pytest.fixture(scope="session")
def operations_binary(turbo, tmp_path_factory):
    """tests/apps/operations, built once: the app the operational tests
    (test_operations.py, test_connections.py) run."""
    return build(turbo, OPERATIONS_APP, tmp_path_factory.mktemp("operations") / "server")


@pytest.fixture(scope="session")
def built(turbo, tmp_path_factory):
    """Builds an example once per session: built("items") -> binary path."""
    cache: dict[str, Path] = {}
    out_dir = tmp_path_factory.mktemp("servers")

    def get(name: str) -> Path:
        if name not in cache:
            cache[name] = build(turbo, EXAMPLES / name / "app.py", out_dir / f"{name}-server")
        return cache[name]

    return get


@pytest.fixture(scope="session")
def server(built):
    """A running server per example, shared by the session: server("items")."""
    running: dict[str, Server] = {}

    def get(name: str) -> Server:
        if name not in running or running[name].process.poll() is not None:
            running[name] = Server(built(name))
        return running[name]

    yield get
    for srv in running.values():
        srv.stop()


def load_with_fastapi(app_path: Path):
    """Imports an example app under real FastAPI; `turboapi` maps to FastAPI."""
    import fastapi

    shim = types.ModuleType("turboapi")
    shim.FastAPI = fastapi.FastAPI
    shim.TurboAPI = fastapi.FastAPI
    shim.HTTPException = fastapi.HTTPException
    sys.modules.setdefault("turboapi", shim)
    name = f"reference_{app_path.parent.name}"
    spec = importlib.util.spec_from_file_location(name, app_path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


@pytest.fixture(scope="session")
def reference():
    """FastAPI's TestClient over an example: reference("items")."""
    from fastapi.testclient import TestClient

    clients = {}

    def get(name: str):
        if name not in clients:
            app = load_with_fastapi(EXAMPLES / name / "app.py")
            clients[name] = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
        return clients[name]

    return get
