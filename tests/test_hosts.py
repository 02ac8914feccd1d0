"""TrustedHostMiddleware and HTTPSRedirectMiddleware (issue 13), served
natively, against Starlette's own over the same app (tests/apps/hosts):
allowed, wildcard, IPv6 and refused hosts, the `www.` redirect (on and
off), the HTTPS redirect with ports, paths and query strings. Status, body
and every header but `date`/`server` must be equal."""

import os

import pytest

from conftest import ROOT, Server, binary_fixture, comparable_answer, load_with_fastapi

APP = ROOT / "tests" / "apps" / "hosts" / "app.py"
binary = binary_fixture(APP)

HOSTS = ["example.com", "Example.COM:8000", "a.example.org", "b.a.example.org", "example.org", "shop.test",
         "shop.test:8080", "www.shop.test", "evil.com", "[::1]", "[::1]:80", "[zz::1]", "example.com:80",
         "example.com:443", "EXAMPLE.com:0443", "exa mple.com", "a.example.org:9000"]
PATHS = ["/items/a", "/items/a%20b?q=1&r=%2F", "/items/caf%C3%A9", "/nowhere"]


@pytest.mark.parametrize("config", ["trusted", "trusted-no-www", "https"])
def test_hosts_answer_as_starlette(binary, config, monkeypatch):
    from fastapi.testclient import TestClient

    monkeypatch.setenv("HOSTS_CONFIG", config)
    reference = TestClient(load_with_fastapi(APP), follow_redirects=False)
    server = Server(binary, env={**os.environ, "HOSTS_CONFIG": config})
    try:
        for host in HOSTS:
            if config == "https" and host in ("[::1]:80", "[zz::1]", "exa mple.com"):
                # Starlette drops the brackets of "[::1]:80" ("https://::1/"),
                # a location httpx refuses to read; for a host it cannot
                # parse it names the server's address, which differs between
                # TestClient ("testserver") and a real server.
                continue
            for path in PATHS:
                expected = reference.get(path, headers={"host": host})
                actual = server.client.get(path, headers={"host": host})
                assert comparable_answer(actual) == comparable_answer(expected), (config, host, path)
    finally:
        server.stop()
