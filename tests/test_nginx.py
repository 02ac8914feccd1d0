"""Scale-out as users run it (issue 12): Debian's nginx in front of two
turbo servers. Through the proxy the app sees the client's scheme, host
and address; one server drained with SIGTERM under steady load loses no
request. Needs `nginx` (.ci/run installs Debian's package)."""

import concurrent.futures
import shutil
import signal
import socket
import subprocess
import threading
import time

import httpx
import pytest

from conftest import Server

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if shutil.which("/usr/sbin/nginx") else None)

pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (.ci/run installs it)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


CONFIG = """
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream turbo {{
        server {first};
        server {second};
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://turbo;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            # What a TLS-terminating proxy says.
            proxy_set_header X-Forwarded-Proto https;
            proxy_set_header X-Forwarded-For $remote_addr;
        }}
    }}
}}
"""


@pytest.fixture
def proxied(operations_binary, tmp_path):
    """nginx on a free port in front of two servers: (url, servers)."""
    servers = [Server(operations_binary, "--graceful-timeout", "5") for _ in range(2)]
    port = free_port()
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / name).mkdir(mode=0o777)
    (tmp_path / "nginx.conf").write_text(
        CONFIG.format(prefix=tmp_path, port=port, first=servers[0].address, second=servers[1].address)
    )
    nginx = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if nginx.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start: {nginx.stderr.read()}")
            time.sleep(0.05)
    try:
        yield url, servers
    finally:
        nginx.send_signal(signal.SIGQUIT)
        nginx.wait(timeout=15)
        for server in servers:
            server.stop()


def test_behind_nginx_the_app_sees_the_clients_scheme_host_and_address(proxied):
    url, _ = proxied
    # The client connects from 127.0.0.2: nginx (127.0.0.1, trusted by
    # default) names it in X-Forwarded-For.
    transport = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(transport=transport, base_url=url, headers={"host": "shop.example"}) as client:
        seen = client.get("/client").json()
        redirect = client.get("/redirected", follow_redirects=False)
    assert seen["scheme"] == "https"
    assert seen["client"][0] == "127.0.0.2"
    assert redirect.status_code == 307
    assert redirect.headers["location"] == "https://shop.example/redirected/"


def test_a_server_drained_under_steady_load_loses_no_request(proxied):
    url, servers = proxied
    stop = threading.Event()

    def steady() -> tuple[int, list, set]:
        answered, failures, pids = 0, [], set()
        with httpx.Client(base_url=url, timeout=15) as client:
            while not stop.is_set():
                try:
                    response = client.get("/pid")
                    if response.status_code == 200:
                        answered += 1
                        pids.add(response.json()["pid"])
                    else:
                        failures.append((response.status_code, response.text))
                except httpx.HTTPError as err:
                    failures.append(repr(err))
        return answered, failures, pids

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        clients = [pool.submit(steady) for _ in range(4)]
        time.sleep(1.5)
        drained = servers[0]
        drained.process.send_signal(signal.SIGTERM)
        assert drained.process.wait(timeout=15) == 0
        time.sleep(1.5)
        stop.set()
        results = [client.result() for client in clients]
    answered = sum(result[0] for result in results)
    failures = [failure for result in results for failure in result[1]]
    pids = set().union(*(result[2] for result in results))
    assert failures == []
    assert answered > 100
    # Both servers served before the drain; the other one after it.
    assert len(pids) == 2
    with httpx.Client(base_url=url) as client:
        assert client.get("/pid").json()["pid"] == servers[1].process.pid
