"""Differential tests: the same requests through FastAPI and through turbo.

For every case, FastAPI's TestClient (the reference) and the built server
must give the same status, the same body bytes, the same content type and
the same values for the headers that carry meaning (Allow, Location,
content-length, custom headers).
"""

import pytest

MEANINGFUL_HEADERS = [
    "content-type",
    "content-length",
    "location",
    "x-error",
    "retry-after",
    "set-cookie",
    "www-authenticate",
    "x-custom",
    "x-extra",
]


def assert_same(reference, server, method: str, url: str, content: bytes | None = None, headers: dict | None = None):
    expected = reference.request(method, url, content=content, headers=headers)
    actual = server.client.request(method, url, content=content, headers=headers)
    where = f"{method} {url}"
    assert actual.status_code == expected.status_code, f"{where}: status {actual.content!r}"
    assert actual.content == expected.content, where
    for header in MEANINGFUL_HEADERS:
        assert actual.headers.get(header) == expected.headers.get(header), f"{where}: header {header}"
    # Starlette joins a set of methods: compare as sets, order is arbitrary.
    allow = lambda r: sorted(m.strip() for m in r.headers.get("allow", "").split(",") if m.strip())
    assert allow(actual) == allow(expected), f"{where}: allow"
    return actual


ITEMS_CASES = [
    ("GET", "/"),
    ("GET", "/items/1"),
    ("GET", "/items/2?q=hello&short=true"),
    ("GET", "/items/1?short=no"),
    ("GET", "/items/3"),  # HTTPException with a custom header
    ("GET", "/items/foo"),  # int_parsing on a path parameter
    ("GET", "/items/1?short=maybe"),  # bool_parsing
    ("GET", "/items/foo?short=maybe"),  # two errors, path first
    ("GET", "/items/1.5"),
    ("GET", "/items/+7"),
    ("GET", "/items/%201%20"),
    ("GET", "/items/1_0"),
    ("GET", "/items/"),
    ("GET", "/items/?skip=1&limit=1"),
    ("GET", "/items/?limit=ten"),
    ("GET", "/items/?limit=&skip=x"),
    ("GET", "/items/?min_price=1"),
    ("GET", "/items/?min_price=nope"),
    ("GET", "/items/?limit=1&limit=2"),  # the last value wins
    ("GET", "/items"),  # trailing-slash redirect
    ("GET", "/items?skip=1"),  # redirect keeps the query
    ("POST", "/items/?name=saw&price=12.5"),  # status_code=201
    ("POST", "/items/?name=saw"),  # missing required
    ("POST", "/items/"),  # two missing
    ("POST", "/items/?name=saw&price=1e3&tags=a+b"),
    ("PUT", "/items/5?name=x"),
    ("DELETE", "/items/5"),  # 204: no body
    ("PATCH", "/items/5"),  # 405, Allow lists the first matching route's methods
    ("POST", "/items/5"),
    ("HEAD", "/items/1"),  # GET-only route: 405 for HEAD, as FastAPI
    ("HEAD", "/ping"),
    ("GET", "/ping"),
    ("GET", "/users/me"),
    ("GET", "/users/someone"),
    ("GET", "/users/caf%C3%A9"),
    ("GET", "/files/a/b/c.txt"),
    ("GET", "/files/"),
    ("GET", "/files/a%2Fb"),
    ("GET", "/orders/42"),
    ("GET", "/orders/0042?verbose=1"),
    ("GET", "/orders/x"),  # the int convertor does not match: 404
    ("GET", "/orders/-1"),
    ("GET", "/prices/2.25"),
    ("GET", "/prices/3"),
    ("GET", "/prices/3."),
    ("GET", "/objects/123e4567-e89b-12d3-a456-426614174000"),
    ("GET", "/objects/123E4567-E89B-12D3-A456-426614174000"),
    ("GET", "/objects/123e4567e89b12d3a456426614174000"),
    ("GET", "/objects/123e4567-e89b-12d3-a456-42661417400"),
    ("GET", "/reports/2024-05"),
    ("GET", "/reports/2024-5-1"),
    ("GET", "/reports/x-y"),
    ("GET", "/echo?text=hi"),
    ("GET", "/echo?text=hi&times=3&ratio=0.1&upper=on&note=x"),
    ("GET", "/echo"),
    ("GET", "/echo?text=%E2%98%83+snow%20man"),
    ("GET", "/echo?text=a%26b%3Dc&note="),
    ("GET", "/echo?text=bad%FFbyte"),
    ("GET", "/echo?text=x&ratio=inf"),  # inf is accepted, then cannot be JSON: 500
    ("GET", "/echo?text=x&ratio=1_000.5"),
    ("GET", "/echo?text=x&times=99999999999999999999999"),
    ("GET", "/echo?text=x&times=" + "9" * 4301),  # int_parsing_size
    ("GET", "/echo?text=q&times=5.0&ratio=-0"),
    ("GET", "/numbers"),
    ("GET", "/numbers?n=-5"),
    ("GET", "/numbers?n=340282366920938463463374607431768211456"),
    ("GET", "/unicode/%E2%98%83"),
    ("GET", "/unicode/%F0%9F%98%80%20x"),
    ("GET", "/multi"),
    ("POST", "/multi"),
    ("DELETE", "/multi"),
    ("GET", "/teapot"),
    ("GET", "/forbidden"),
    ("GET", "/broken"),
    ("GET", "/not-json"),
    ("GET", "/optional-required"),
    ("GET", "/optional-required?x=3"),
    ("GET", "/optional-required?x=&y="),
    ("GET", "/keyword-only?first=a&second=3"),
    # Python's `$` matches before a final newline: Starlette routes these.
    ("GET", "/ping%0A"),
    ("GET", "/orders/5%0A"),
    ("GET", "/items/1%0A"),
    ("GET", "/users/me%0A"),
    ("POST", "/items?name=a&price=1"),  # redirects keep the method's 307
    ("HEAD", "/items"),
    ("GET", "/keyword-only"),
    ("GET", "/nope"),
    ("GET", "/nope/"),
    ("POST", "/nope"),
    ("GET", "/items/1/extra"),
]



HELLO_CASES = [
    ("GET", "/"),
    ("GET", "/hello/world"),
    ("GET", "/hello/world?excited=true"),
    ("GET", "/hello/world?excited=2"),
    ("GET", "/users/7"),
    ("GET", "/users/seven"),
    ("GET", "/users/7/"),
    ("POST", "/"),
    ("GET", "/missing"),
]



ASYNC_CASES = [
    ("GET", "/"),
    ("GET", "/sleep/0"),
    ("GET", "/sleep/15"),
    ("GET", "/sleep/x"),
    ("GET", "/gather?n=5"),
    ("GET", "/async-error"),
    ("GET", "/async-error?code=429"),
    ("GET", "/async-crash"),
    ("GET", "/sync"),
    ("GET", "/sync?x=1e-7"),
]



# pydantic's lax parsing of strings, fed through query parameters of each type.
SCALAR_INPUTS = [
    "0", "1", "-1", "+1", "007", " 5 ", "5.0", "5.00", "5.", ".5", "5.5", "1e3", "1E3", "1_000", "1__0", "_1", "1_",
    "0x1f", "0b1", "1.0_0", "1_0.0", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
    "inf", "-Infinity", "nan", "NaN", "in_f", "1e400", "4.9e-324", "1.7976931348623157e308", "0.1", "1e-7", "123456789.123456789",
    "true", "True", "TRUE", "false", "yes", "no", "on", "off", "y", "n", "t", "f", "2", "", " ", "%20true", "tr%C3%BCe",
    "%E2%80%835", "%C2%A05", "5%0A", "%0A5", "1,5", "١", "%EF%BC%95",
]


@pytest.mark.parametrize("raw", SCALAR_INPUTS)
def test_scalar_parsing_matches_pydantic(reference, server, raw):
    for param in ["times", "ratio", "upper"]:
        assert_same(reference("items"), server("items"), "GET", f"/echo?text=t&{param}={raw}")


MODELS_CASES = [
    ("GET", "/model"),
    ("GET", "/models"),
    ("GET", "/models?count=0"),
    ("GET", "/models?count=5"),
    ("GET", "/nested"),
    ("GET", "/dataclass"),
    ("GET", "/types"),
    ("GET", "/keys"),
    ("GET", "/scalars/str"),
    ("GET", "/scalars/int"),
    ("GET", "/scalars/big"),
    ("GET", "/scalars/float"),
    ("GET", "/scalars/true"),
    ("GET", "/scalars/none"),
    ("GET", "/scalars/list"),
    ("GET", "/scalars/empty"),
    ("GET", "/scalars/other"),
    ("GET", "/unserializable"),
    ("GET", "/infinity"),
]


CASES = {"items": ITEMS_CASES, "hello": HELLO_CASES, "async_app": ASYNC_CASES, "models": MODELS_CASES}


@pytest.mark.parametrize(
    "example,method,url", [(example, method, url) for example, cases in CASES.items() for method, url in cases]
)
def test_example_matches_fastapi(reference, server, example, method, url):
    assert_same(reference(example), server(example), method, url)


JSON = {"content-type": "application/json"}
ITEM = b'{"name": "hammer", "price": 9.5, "quantity": 2, "tags": [{"name": "tools"}]}'

BODY_CASES = [
    ("POST", "/items", ITEM, JSON),
    ("POST", "/items", b'{"name": "saw", "price": 12}', JSON),
    ("POST", "/items", b'{"name": "saw", "price": 12, "extra": true}', JSON),  # extra fields ignored
    ("POST", "/items", b'{"price": -1, "quantity": "many", "tags": [{"name": ""}, {"name": "x" * 11}]}', JSON),
    ("POST", "/items", b'{"name": "x", "price": 1, "tags": [{"name": "aaaaaaaaaaa"}, {}]}', JSON),
    ("POST", "/items", b'{"name": 5, "price": "1e3", "quantity": 1.5}', JSON),
    ("POST", "/items", b'{"name": "broken", ', JSON),  # json_invalid with its position
    ("POST", "/items", b"[1, 2]", JSON),
    ("POST", "/items", b"null", JSON),
    ("POST", "/items", b'"just a string"', JSON),
    ("POST", "/items", b"", JSON),  # no body: missing
    ("POST", "/items", None, None),
    ("POST", "/items", ITEM, None),  # no content-type: not JSON
    ("POST", "/items", ITEM, {"content-type": "text/plain"}),
    ("POST", "/items", ITEM, {"content-type": "application/json; charset=utf-8"}),
    ("POST", "/items", ITEM, {"content-type": "application/vnd.api+json"}),
    ("POST", "/items", ITEM, {"content-type": "application/x-www-form-urlencoded"}),
    ("POST", "/items", b'{"name": "\xff"}', JSON),
    ("POST", "/items", b'\xff\xfe', JSON),  # undecodable: 400
    ("POST", "/items", '{"name": "caf\u00e9 \u2603", "price": 1}'.encode(), JSON),
    ("PUT", "/items/7?notify=yes", ITEM, JSON),
    ("PUT", "/items/abc?notify=maybe", b'{"price": 0}', JSON),  # path, query and body errors together
    ("PUT", "/items/abc", b"{oops", JSON),  # invalid JSON wins over everything else
    ("PUT", "/items/0", ITEM, JSON),
    ("POST", "/special", b'{"name": "s", "price": 1, "code": "ABC"}', JSON),
    ("POST", "/special", b'{"name": "s", "price": 1, "code": "abcd"}', JSON),  # string_pattern_mismatch
    ("POST", "/optional", None, None),
    ("POST", "/optional", b"null", JSON),
    ("POST", "/optional", ITEM, JSON),
    ("POST", "/optional", b'{"price": 1}', JSON),
]


@pytest.mark.parametrize("method,url,content,headers", BODY_CASES)
def test_bodies_match_fastapi(reference, server, method, url, content, headers):
    assert_same(reference("bodies"), server("bodies"), method, url, content, headers)


PARAM_CASES = [
    ("GET", "/search?q=shoes", None),
    ("GET", "/search?q=shoes&p=3&page-size=50&exact=yes&lang=de", None),
    ("GET", "/search?q=shoes&page=3&size=50", None),  # the Python names are not the keys
    ("GET", "/search?p=x&page-size=y&exact=maybe", None),  # errors carry the aliases
    ("GET", "/search", None),
    ("GET", "/items/5?detail=full", None),
    ("GET", "/items/five", None),
    ("GET", "/headers", {"user-agent": "tester/1.0"}),
    ("GET", "/headers", {"user-agent": "t", "x-token": "42", "raw_name": "r", "x-custom": "c", "accept-language": "fr"}),
    ("GET", "/headers", {"User-Agent": "t", "X-Token": "nope"}),
    ("GET", "/headers", {"user-agent": "t", "raw-name": "dash", "user_agent": "underscore"}),
    ("GET", "/headers", [("user-agent", "first"), ("user-agent", "second"), ("x-token", "1"), ("x-token", "2")]),
    ("GET", "/cookies", {"cookie": "session=abc"}),
    ("GET", "/cookies", {"cookie": "session=abc; count=3; my-cookie=\"q\\\"w\\101\"; flag=on"}),
    ("GET", "/cookies", {"cookie": "count=x; session=a; session=b; flag=2"}),
    ("GET", "/cookies", {"cookie": "nosession; =v; ; session"}),
    ("GET", "/cookies", None),
    ("GET", "/cookies", [("cookie", "session=first"), ("cookie", "session=second")]),
    ("GET", "/mixed/1?q=2", {"x-level": "3", "cookie": "tracker=1.5"}),
    ("GET", "/mixed/x?q=y", {"x-level": "z", "cookie": "tracker=w"}),  # path, query, header, cookie errors in order
    ("GET", "/mixed/1", None),
]


@pytest.mark.parametrize("method,url,headers", PARAM_CASES)
def test_declared_params_match_fastapi(reference, server, method, url, headers):
    assert_same(reference("params"), server("params"), method, url, None, headers)


BOUND_CASES = [
    ("/bounded/AB", None),
    ("/bounded/ABCD?page=100&step=45&ratio=1&scale=-2.5&huge=1e20&name=abc&word=abc", None),
    ("/bounded/A", None),  # too short
    ("/bounded/ABCDE", None),  # too long
    ("/bounded/abc", None),  # pattern
    ("/bounded/%C3%89%C3%89", None),  # two characters, four bytes, not A-Z
    ("/bounded/AB?page=0", None),
    ("/bounded/AB?page=101", None),
    ("/bounded/AB?page=1.0", None),
    ("/bounded/AB?page=99999999999999999999999", None),
    ("/bounded/AB?page=-99999999999999999999999", None),
    ("/bounded/AB?step=0", None),
    ("/bounded/AB?step=50", None),
    ("/bounded/AB?step=7", None),  # multiple_of is checked first
    ("/bounded/AB?step=-5", None),
    ("/bounded/AB?ratio=0", None),
    ("/bounded/AB?ratio=1.0000001", None),
    ("/bounded/AB?ratio=nan", None),
    ("/bounded/AB?ratio=inf", None),
    ("/bounded/AB?scale=-3", None),
    ("/bounded/AB?scale=0.3", None),
    ("/bounded/AB?scale=1.5000000001", None),  # within pydantic's 1e-9 tolerance
    ("/bounded/AB?scale=1.50001", None),
    ("/bounded/AB?huge=1e21", None),
    ("/bounded/AB?name=", None),
    ("/bounded/AB?name=abcd", None),
    ("/bounded/AB?name=%F0%9F%98%80%F0%9F%98%80%F0%9F%98%80", None),  # three characters
    ("/bounded/AB?word=ABC", None),
    ("/bounded/AB?word=a1", None),
    ("/bounded/x?page=0&step=3&ratio=2&scale=0.1&name=toolong&word=X", {"x-version": "9", "cookie": "theme=darkness"}),
    ("/bounded/AB", {"x-version": "0"}),
    ("/bounded/AB", {"x-version": "two"}),
]


@pytest.mark.parametrize("url,headers", BOUND_CASES)
def test_constraints_match_fastapi(reference, server, url, headers):
    assert_same(reference("params"), server("params"), "GET", url, None, headers)


LIST_CASES = [
    ("/lists?need=1.5", None),
    ("/lists?tags=a&tags=b&id=1&id=2&need=1&need=2e3&flags=on&flags=0", None),
    ("/lists?tags=a&id=1&id=x&id=3&need=1&need=z", None),  # element errors carry their index
    ("/lists", None),  # a required list that is absent
    ("/lists?need=", None),
    ("/lists?need=1&id=", None),
    ("/lists?need=1&ids=5", None),  # the Python name is not the key
    ("/lists?need=1&flags=maybe&flags=yes&flags=2", None),
    ("/lists?need=1", [("x-tag", "a"), ("x-tag", "b, c")]),
]


@pytest.mark.parametrize("url,headers", LIST_CASES)
def test_list_params_match_fastapi(reference, server, url, headers):
    assert_same(reference("params"), server("params"), "GET", url, None, headers)


CHOICE_CASES = [
    ("/paint/red", None),
    ("/paint/green?size=2&plain=b&mode=slow", None),
    ("/paint/blue?size=3&plain=c&mode=x&one=y&number=3", None),  # every error type, in order
    ("/paint/RED?size=1.0", None),  # enums match exactly; int enums parse the int
    ("/paint/red?size=x&number=1", None),  # int literals never match text
    ("/paint/%20red", None),
    ("/paint/red?size=+2&plain=", None),
    ("/theme", None),
    ("/theme?accent-color=green", {"x-mode": "dark"}),
    ("/theme?accent=green&accent-color=pink", {"x-mode": "DARK"}),
]


@pytest.mark.parametrize("url,headers", CHOICE_CASES)
def test_enum_and_literal_params_match_fastapi(reference, server, url, headers):
    assert_same(reference("choices"), server("choices"), "GET", url, None, headers)


PAIR = b'{"item": {"name": "pen", "price": 2}, "user": {"username": "ann"}, "importance": 3}'
TOKEN = "6f1e2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"

INPUT_CASES = [
    # Several body parameters: one JSON object, each under its name.
    ("PUT", "/items/1", PAIR, JSON),
    ("PUT", "/items/1", b'{"item": {"name": "pen", "price": 2}, "user": {"username": "ann"}}', JSON),
    ("PUT", "/items/1", b'{"item": {"name": "pen", "price": -2}, "importance": 0}', JSON),
    ("PUT", "/items/x", b"{}", JSON),
    ("PUT", "/items/1", b"[1, 2]", JSON),  # not an object: every field missing
    ("PUT", "/items/1", b"null", JSON),
    ("PUT", "/items/1", b'"text"', JSON),
    ("PUT", "/items/1", None, None),
    ("PUT", "/items/1", PAIR, None),  # not JSON: each field missing
    ("PUT", "/items/1", b'{"item": ', JSON),
    # Body(embed=True), a second optional body value, singular values, aliases.
    ("POST", "/embedded", b'{"item": {"name": "a", "price": 1}}', JSON),
    ("POST", "/embedded", b'{"name": "a", "price": 1}', JSON),
    ("POST", "/optional-second", b'{"item": {"name": "a", "price": 1}}', JSON),
    ("POST", "/optional-second", b'{"item": {"name": "a", "price": 1}, "note": "too long"}', JSON),
    ("POST", "/optional-second", b'{"name": "a", "price": 1}', JSON),
    ("POST", "/single", b"5", JSON),
    ("POST", "/single", b'"7"', JSON),
    ("POST", "/single", b'"seven"', JSON),
    ("POST", "/single", b"5.5", JSON),
    ("POST", "/single", None, None),
    ("POST", "/aliased", b'{"item": {"name": "a", "price": 1}, "item-tag": "t"}', JSON),
    ("POST", "/aliased", b'{"item": {"name": "a", "price": 1}, "tag": "t"}', JSON),
    # dict, list and dataclass bodies.
    ("POST", "/dict", b'{"1": 1.5, "2": 3}', JSON),
    ("POST", "/dict", b'{"one": 1.5}', JSON),
    ("POST", "/dict", b"[]", JSON),
    ("POST", "/list", b'[{"name": "a", "price": 1}, {"name": "b", "price": 2}]', JSON),
    ("POST", "/list", b'[{"name": "a", "price": 1}, {"price": 0}]', JSON),
    ("POST", "/list", b'{"name": "a"}', JSON),
    ("POST", "/point", b'{"x": 1, "y": 2}', JSON),
    ("POST", "/point", b'{"x": "one"}', JSON),
    ("POST", "/point", b'{"y": 1}', JSON),
    # Types pydantic validates from text.
    ("GET", "/when?at=2024-01-02T03:04:05Z", None, None),
    ("GET", "/when?at=2024-01-02T03:04:05.123456%2B02:00&day=2024-02-29&clock=10:20&wait=P1DT2H", None, None),
    ("GET", "/when?at=1700000000&wait=90.5&clock=25:00", None, None),
    ("GET", "/when?at=yesterday&day=2023-02-29&wait=soon", None, None),
    ("GET", "/when", None, None),
    ("GET", "/when?at=", None, None),
    ("GET", f"/money/12.50?ref={TOKEN}", None, None),
    ("GET", f"/money/1e3?ref={TOKEN.upper()}&raw=bytes", None, None),
    ("GET", f"/money/abc?ref={TOKEN[:-1]}", None, None),
    ("GET", "/money/NaN?ref=6f1e2a3b4c5d4e6f8a9b0c1d2e3f4a5b", None, None),
    ("GET", "/money/1", None, None),
    ("GET", "/union?value=5", None, None),
    ("GET", "/union?value=five&flag=true", None, None),
    ("GET", "/union?value=5.5&flag=2.5", None, None),
    ("GET", "/union?flag=maybe", None, None),
    ("GET", "/dates?days=2024-01-01&days=2024-12-31", None, None),
    ("GET", "/dates?days=2024-13-01", None, None),
    ("GET", "/dates", None, None),
    ("GET", "/dates?days=2024-01-01", None, {"cookie": f"session={TOKEN}"}),
    ("GET", "/dates?days=2024-01-01", None, {"cookie": "session=nope"}),
    ("GET", "/typed-header", None, {"x-since": "2020-05-05T05:05:05"}),
    ("GET", "/typed-header", None, {"x-since": "then"}),
    ("GET", "/typed-header", None, None),
    # Lists pydantic validates whole: constraints apply to the list.
    ("GET", "/tags?tag=a&tag=b", None, None),
    ("GET", "/tags?tag=a&tag=b&tag=c", None, None),
    ("GET", "/tags?kinds=toy&kinds=tool", None, None),
    ("GET", "/tags?kinds=toy&kinds=car", None, None),
    ("GET", "/tags", None, None),
    # Parameter models: the query string, headers or cookies as one model.
    ("GET", "/filter", None, None),
    ("GET", "/filter?limit=5&offset=2&order_by=updated_at&tags=a&tags=b", None, None),
    ("GET", "/filter?limit=0&offset=-1&order_by=name", None, None),
    ("GET", "/filter?limit=5&unknown=1&unknown=2", None, None),  # extra="forbid"
    ("GET", "/filter?tags=only", None, None),
    ("GET", "/common-headers", None, {"save-data": "yes", "x-tag": "a", "if-modified-since": "then"}),
    ("GET", "/common-headers", None, [("x-tag", "a"), ("x-tag", "b"), ("save-data", "maybe")]),
    ("GET", "/common-headers", None, {"save_data": "true"}),
    ("GET", "/cookie-model", None, {"cookie": "session_id=abc; tracker=t; other=o"}),
    ("GET", "/cookie-model?q=x", None, {"cookie": "tracker=t"}),
    ("GET", "/cookie-model", None, None),
    # The Request object.
    ("POST", "/request/ann?a=1&b=2&a=3", b"hello", {"x-tag": "t", "cookie": "c=1; d=2"}),
    ("POST", "/request/b%C3%A9a", None, None),
    ("GET", "/request-json", b'{"k": [1, 2]}', JSON),
    # An injected Response: headers, cookies, status.
    ("GET", "/response", None, None),
    ("GET", "/response?status=202", None, None),
    ("GET", "/response?status=204", None, None),
    ("POST", "/response-created", None, None),
]


@pytest.mark.parametrize("method,url,content,headers", INPUT_CASES)
def test_inputs_match_fastapi(reference, server, method, url, content, headers):
    assert_same(reference("inputs"), server("inputs"), method, url, content, headers)


OUTPUT_CASES = [
    # response_model= and return annotations: validated, filtered, dumped by pydantic.
    ("POST", "/users", b'{"username": "ann", "password": "pw", "email": "a@x"}', JSON),
    ("GET", "/users/bob", None, None),
    ("GET", "/items/foo", None, None),
    ("GET", "/items/bar", None, None),
    ("GET", "/items/baz", None, None),
    ("GET", "/items/nope", None, None),  # the app's HTTPException handler
    ("GET", "/items/bar/public", None, None),
    ("GET", "/items/baz/public", None, None),
    ("GET", "/items/bar/name", None, None),
    ("GET", "/items/baz/defaults", None, None),
    ("GET", "/by-alias", None, None),
    ("GET", "/all", None, None),
    ("GET", "/broken", None, None),  # fails its response model: 500
    ("GET", "/plain-list", None, None),
    ("HEAD", "/items/foo", None, None),
    # Return values FastAPI's encoder handles.
    ("GET", "/values", None, None),
    # Response classes, and responses returned directly.
    ("GET", "/html", None, None),
    ("GET", "/text", None, None),
    ("GET", "/redirect", None, None),
    ("GET", "/redirect-302", None, None),
    ("GET", "/json-class", None, None),
    ("GET", "/direct", None, None),
    ("GET", "/direct-html", None, None),
    ("GET", "/raw", None, None),
    ("GET", "/cookie", None, None),
    ("GET", "/delete-cookie", None, None),
    # Exception handlers: a custom class, RequestValidationError, HTTPException.
    ("GET", "/unicorns/yolo", None, None),
    ("GET", "/unicorns/ok", None, None),
    ("GET", "/numbers/x", None, None),
    ("POST", "/echo", b'{"name": 1}', JSON),
    ("POST", "/echo", b'{"name": ', JSON),
    ("GET", "/teapot", None, None),
    ("GET", "/missing-route", None, None),
]


@pytest.mark.parametrize("method,url,content,headers", OUTPUT_CASES)
def test_outputs_match_fastapi(reference, server, method, url, content, headers):
    assert_same(reference("outputs"), server("outputs"), method, url, content, headers)
