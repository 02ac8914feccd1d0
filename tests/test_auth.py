"""Security, compiled from examples/auth and compared with FastAPI
importing the same package: OAuth2 password login (the form as a class
dependency) issuing JWT bearer tokens (PyJWT) with scopes, `Security()`
scopes checked at several levels with the `WWW-Authenticate` FastAPI
sends, every scheme of `fastapi.security` with and without credentials
(`auto_error=False`, subclasses), `SecurityScopes` accumulated along a
chain with the cache keyed by scopes, and a dependency with a body
parameter (the body is then embedded, its errors come first)."""

import base64

import jwt
import pytest

from conftest import EXAMPLES, build
from test_differential import assert_same
from test_projects import reference_client, start

AUTH = EXAMPLES / "auth"
SECRET = "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7"
FORM = {"content-type": "application/x-www-form-urlencoded"}
JSON = {"content-type": "application/json"}


def token(sub="johndoe", scope="me items", exp=4102444800, key=SECRET):
    return jwt.encode({"sub": sub, "scope": scope, "exp": exp}, key, algorithm="HS256")


def bearer(value):
    return {"authorization": f"Bearer {value}"}


def basic(user, password):
    return {"authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


CASES = [
    # Logging in: the password form.
    ("POST", "/token", FORM, "username=johndoe&password=secret&scope=me%20items"),
    ("POST", "/token", FORM, "username=johndoe&password=secret"),
    ("POST", "/token", FORM, "username=johndoe&password=wrong"),
    ("POST", "/token", FORM, "username=johndoe"),
    ("POST", "/token", FORM, "username=johndoe&password=secret&grant_type=client"),
    ("POST", "/token", FORM, ""),
    ("POST", "/token", JSON, '{"username": "johndoe", "password": "secret"}'),
    ("POST", "/token/strict", FORM, "username=u&password=p"),
    ("POST", "/token/strict", FORM, "grant_type=password&username=u&password=p&scope=a%20b&client_id=c"),
    # Bearer tokens and scopes.
    ("GET", "/users/me/", bearer(token()), None),
    ("GET", "/users/me/", bearer(token(scope="items")), None),  # missing "me"
    ("GET", "/users/me/", bearer(token(sub="alice", scope="me")), None),  # inactive
    ("GET", "/users/me/", bearer(token(sub="nobody")), None),
    ("GET", "/users/me/", bearer(token(exp=946684800)), None),  # expired
    ("GET", "/users/me/", bearer(token(key="another-key-of-at-least-thirty-two-bytes")), None),
    ("GET", "/users/me/", bearer("not-a-jwt"), None),
    ("GET", "/users/me/", {"authorization": "Basic abc"}, None),
    ("GET", "/users/me/", {}, None),
    ("GET", "/users/me/items/", bearer(token()), None),
    ("GET", "/users/me/items/", bearer(token(scope="me")), None),  # missing "items"
    ("GET", "/users/status/", bearer(token(scope="")), None),
    ("GET", "/users/status/", {}, None),
    # A dependency with a body parameter: the body is embedded.
    ("POST", "/users/me/notes", {**bearer(token()), **JSON}, '{"note": {"title": "t"}, "reason": "because"}'),
    ("POST", "/users/me/notes", {**bearer(token()), **JSON}, '{"note": {"text": 1}, "reason": "no"}'),
    ("POST", "/users/me/notes", {**bearer(token()), **JSON}, '{"title": "t"}'),
    ("POST", "/users/me/notes", {**bearer(token()), **JSON}, "[1]"),
    ("POST", "/users/me/notes", JSON, '{"note": {"title": "t"}, "reason": "because"}'),
    # Every scheme.
    ("GET", "/schemes/basic", basic("stanley", "swordfish"), None),
    ("GET", "/schemes/basic", basic("stanley", "wrong"), None),
    ("GET", "/schemes/basic", {"authorization": "Basic !!!"}, None),
    ("GET", "/schemes/basic", {"authorization": "Basic " + base64.b64encode(b"nocolon").decode()}, None),
    ("GET", "/schemes/basic", {}, None),
    ("GET", "/schemes/bearer", bearer("abc"), None),
    ("GET", "/schemes/bearer", {"authorization": "Token abc"}, None),
    ("GET", "/schemes/bearer", {}, None),
    ("GET", "/schemes/digest", {"authorization": "Digest abc"}, None),
    ("GET", "/schemes/digest", {"authorization": "Bearer abc"}, None),
    ("GET", "/schemes/digest", {}, None),
    ("GET", "/schemes/keys?api_key=k", {"cookie": "session=s", "x-key": "x"}, None),
    ("GET", "/schemes/keys?api_key=k", {"cookie": "session=s"}, None),
    ("GET", "/schemes/keys", {"cookie": "session=s"}, None),
    ("GET", "/schemes/keys?api_key=k", {}, None),
    ("GET", "/schemes/inline", {"x-inline": "i"}, None),
    ("GET", "/schemes/inline", {}, None),
    ("GET", "/schemes/openid", {"authorization": "anything"}, None),
    ("GET", "/schemes/openid", {}, None),
    ("GET", "/schemes/code", bearer("c0de"), None),
    ("GET", "/schemes/code", {}, None),
    ("GET", "/schemes/cookie-bearer", {"cookie": "access_token=Bearer%20tok"}, None),
    ("GET", "/schemes/cookie-bearer", bearer("tok"), None),
    ("GET", "/schemes/cookie-bearer", {}, None),
    ("GET", "/schemes/quiet", bearer("q"), None),
    ("GET", "/schemes/quiet", {}, None),
    ("GET", "/schemes/prefixed", bearer("tk_1"), None),  # a subclass awaiting super().__call__
    ("GET", "/schemes/prefixed", bearer("xx_1"), None),
    ("GET", "/schemes/prefixed", {}, None),
    ("GET", "/schemes/state?api_key=k", {}, None),  # request.state set by a dependency
    ("GET", "/schemes/state", {}, None),
    # Scopes along a chain, and the cache keyed by them.
    ("GET", "/schemes/scopes", {}, None),
]


@pytest.fixture(scope="module")
def auth(turbo, tmp_path_factory):
    binary = build(turbo, AUTH / "app" / "main.py", tmp_path_factory.mktemp("auth") / "server")
    server = start(binary, {})
    yield server, reference_client({}, AUTH)
    server.stop()


@pytest.mark.parametrize("method,path,headers,body", CASES, ids=[f"{m} {p} #{i}" for i, (m, p, _, _) in enumerate(CASES)])
def test_same_as_fastapi(auth, method, path, headers, body):
    server, reference = auth
    content = body.encode() if body is not None else None
    # The 401s' WWW-Authenticate is among the headers compared.
    assert_same(reference, server, method, path, content=content, headers=headers)


def test_a_token_issued_by_turbo_opens_its_routes(auth):
    server, _ = auth
    login = server.client.post("/token", headers=FORM, content=b"username=johndoe&password=secret&scope=me")
    assert login.status_code == 200, login.content
    issued = login.json()["access_token"]
    assert jwt.decode(issued, SECRET, algorithms=["HS256"])["scope"] == "me"
    me = server.client.get("/users/me/", headers=bearer(issued))
    assert me.status_code == 200 and me.json()["username"] == "johndoe"
    items = server.client.get("/users/me/items/", headers=bearer(issued))
    assert items.status_code == 401
    # The route's scopes come first, then those required below it.
    assert items.headers["www-authenticate"] == 'Bearer scope="items me"'
