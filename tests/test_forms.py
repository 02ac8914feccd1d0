"""Forms and file uploads: the same bodies through FastAPI and through turbo.

Multipart bodies are written out byte for byte here (fixed boundary), so
both servers parse exactly the same input, including broken ones. FastAPI
needs python-multipart for forms (tests/requirements.txt).
"""

import hashlib

import pytest

from test_differential import assert_same

BOUNDARY = "turbo-boundary"
MULTIPART = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}
URLENCODED = {"content-type": "application/x-www-form-urlencoded"}


def part(name: str | None, value: bytes | str, filename: str | None = None, content_type: str | None = None) -> bytes:
    value = value.encode() if isinstance(value, str) else value
    disposition = "form-data" if name is None else f'form-data; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
    head = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n"
    if content_type:
        head += f"Content-Type: {content_type}\r\n"
    return head.encode() + b"\r\n" + value + b"\r\n"


def multipart(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def file(name: str, content: bytes, filename: str = "a.txt", content_type: str = "text/plain") -> bytes:
    return part(name, content, filename=filename, content_type=content_type)


LOGIN = multipart(part("username", "ann"), part("password", "secret"))
BIG = bytes(range(256)) * 5000  # 1.28 MB: spooled to disk by both servers

FORM_CASES = [
    # Urlencoded fields, constraints, defaults, empty values.
    ("/login", b"username=ann&password=secret", URLENCODED),
    ("/login", b"username=ann&password=abc", URLENCODED),
    ("/login", b"username=ann", URLENCODED),
    ("/login", b"", URLENCODED),
    ("/login", b"username=&password=", URLENCODED),
    ("/login", b"username=a+b%20c&password=caf%C3%A9!", URLENCODED),
    ("/login", b"username=%FF&password=\xe9\xe9\xe9\xe9", URLENCODED),
    ("/login", b"username=ann&&password=long+enough&", URLENCODED),
    ("/login", b"username&password=x", URLENCODED),
    ("/login", b"username=ann&password=secret", {"content-type": "application/json"}),
    ("/login", b"username=ann&password=secret", {}),
    ("/login", b'{"username": "ann"}', {"content-type": "application/json"}),
    ("/login", b"username=ann&password=secret", {"content-type": "Application/X-WWW-Form-Urlencoded; charset=utf-8"}),
    ("/profile", b"name=Bo&age=30", URLENCODED),
    ("/profile", b"name=Bo&age=-1&city=Valparaiso+de+Chile", URLENCODED),
    ("/profile", b"name=Bo&age=abc&nickname=&tags=a&tags=b&newsletter=on", URLENCODED),
    ("/profile", b"name=Bo&age=151&tags=&newsletter=maybe", URLENCODED),
    ("/profile", b"age=1", URLENCODED),
    ("/aliased", b"item-name=saw", URLENCODED),
    ("/aliased", b"item_name=saw", URLENCODED),
    # Form models.
    ("/model", b"username=ann&password=secret&remember=true", URLENCODED),
    ("/model", b"username=ann&password=abc", URLENCODED),
    ("/model", b"username=ann&password=secret&extra=1&extra=2", URLENCODED),
    ("/model", b"", URLENCODED),
    ("/strict", b"username=ann", URLENCODED),
    ("/strict", b"username=ann&other=1", URLENCODED),
    # Multipart text fields.
    ("/login", multipart(part("username", "ann"), part("password", "secret")), MULTIPART),
    ("/login", multipart(part("username", "ann"), part("password", "abc")), MULTIPART),
    ("/login", multipart(part("username", "caf\u00e9"), part("password", "\u2603\u2603\u2603\u2603")), MULTIPART),
    (
        "/login",
        multipart(part("username", "caf\u00e9".encode("latin-1")), part("password", "secret")),
        MULTIPART,
    ),
    (
        "/login",
        multipart(part("username", "caf\u00e9".encode("latin-1")), part("password", "secret")),
        {"content-type": f"multipart/form-data; charset=latin-1; boundary={BOUNDARY}"},
    ),
    (
        "/login",
        multipart(part("username", "ann"), part("password", "secret")),
        {"content-type": f'multipart/form-data; boundary="{BOUNDARY}"'},
    ),
    ("/profile", multipart(part("name", "Bo"), part("age", "7"), part("tags", "x"), part("tags", "y")), MULTIPART),
    ("/model", multipart(part("username", "ann"), part("password", "secret")), MULTIPART),
    # Files as bytes and as UploadFile.
    ("/bytes", multipart(file("file", b"hello")), MULTIPART),
    ("/bytes", multipart(file("file", BIG)), MULTIPART),
    ("/bytes", multipart(part("file", "not a file")), MULTIPART),
    ("/bytes", multipart(), MULTIPART),
    ("/upload", multipart(file("file", b"hello", filename="h.txt")), MULTIPART),
    ("/upload", multipart(file("file", BIG, filename="big.bin", content_type="application/octet-stream")), MULTIPART),
    ("/upload", multipart(file("file", b"", filename="")), MULTIPART),  # a browser's "no file chosen"
    ("/upload", multipart(file("file", b"", filename="empty.txt")), MULTIPART),
    ("/upload", multipart(part("file", "text, not a file")), MULTIPART),
    ("/upload", multipart(file("file", b"x", filename="C:\\Users\\ann\\report.txt")), MULTIPART),
    ("/upload", multipart(part("file", b"x", filename="caf\u00e9.txt")), MULTIPART),
    ("/upload", b"file=x", URLENCODED),
    ("/upload-sync", multipart(file("file", b"abc"), part("note", "hi")), MULTIPART),
    ("/upload-sync", multipart(file("file", BIG)), MULTIPART),
    ("/optional-file", multipart(), MULTIPART),
    ("/optional-file", multipart(file("file", b"abc")), MULTIPART),
    ("/optional-file", b"", {}),
    ("/many", multipart(file("files", b"a", "1.txt"), file("files", b"bb", "2.txt"), part("label", "two")), MULTIPART),
    ("/many", multipart(file("files", b"a", "1.txt"), file("files", b"", "")), MULTIPART),
    ("/many", multipart(part("label", "none")), MULTIPART),
    ("/many-bytes", multipart(file("files", b"a"), file("files", BIG)), MULTIPART),
    ("/mixed", multipart(part("title", "T"), file("document", b"%PDF-1.7 ...", "d.pdf", "application/pdf")), MULTIPART),
    ("/mixed", multipart(part("title", ""), part("count", "x")), MULTIPART),
    ("/refuse", multipart(file("file", b"a,b", "data.csv")), MULTIPART),
    ("/refuse", multipart(file("file", b"a,b", "data.txt")), MULTIPART),
    ("/with-request", multipart(part("name", "n")), MULTIPART),
    ("/with-request", b"name=n", URLENCODED),
    # Broken multipart bodies: Starlette's 400s.
    ("/login", multipart(part("username", "ann")), {"content-type": "multipart/form-data"}),
    ("/login", multipart(part(None, "ann")), MULTIPART),
    ("/login", multipart(part("username", "x" * (1024 * 1024 + 1))), MULTIPART),
    ("/login", multipart(part("username", "x" * (1024 * 1024))), MULTIPART),
    ("/login", b"username=" + b"x" * (1024 * 1024), URLENCODED),
    ("/login", b"username=" + b"x" * (1024 * 1024 - 8), URLENCODED),
    ("/login", b"&".join(b"f%d=1" % i for i in range(1001)), URLENCODED),
    ("/login", multipart(*(part(f"f{i}", "1") for i in range(1001))), MULTIPART),
    ("/many", multipart(*(file("files", b"a", f"{i}.txt") for i in range(1001))), MULTIPART),
    # Bodies python-multipart refuses, or ends early without an error.
    ("/login", LOGIN[:-10], MULTIPART),  # cut inside the last boundary: that part is dropped
    ("/login", LOGIN[: -len(f"--{BOUNDARY}--\r\n")], MULTIPART),  # no closing boundary
    ("/login", LOGIN[:-2], MULTIPART),  # closing boundary without CRLF
    ("/login", LOGIN + b"epilogue", MULTIPART),
    ("/login", b"", MULTIPART),
    ("/login", b"\r\n\r\n", MULTIPART),
    ("/login", f"--{BOUNDARY}".encode(), MULTIPART),
    ("/login", b"\r\n" + LOGIN, MULTIPART),  # leading newlines are skipped
    ("/login", b"preamble\r\n" + LOGIN, MULTIPART),  # a preamble is not
    ("/login", b"hello world", MULTIPART),
    ("/login", LOGIN.replace(b"\r\n", b"\n"), MULTIPART),
    ("/login", LOGIN.replace(BOUNDARY.encode(), b"other"), MULTIPART),
    ("/login", f"--{BOUNDARY}\r\nbroken header\r\n\r\nann\r\n--{BOUNDARY}--\r\n".encode(), MULTIPART),
    ("/login", LOGIN.replace(b'name="username"', b"name=username"), MULTIPART),
    ("/login", LOGIN.replace(b"Content-Disposition", b"content-disposition"), MULTIPART),
    ("/upload", multipart(file("file", b"xx").replace(b'filename="a.txt"', b"filename*=utf-8''a.txt")), MULTIPART),
    ("/upload", multipart(file("file", BIG))[: len(BIG) // 2], MULTIPART),  # cut inside a spooled file
]


@pytest.mark.parametrize("url,content,headers", FORM_CASES)
def test_forms_match_fastapi(reference, server, url, content, headers):
    assert_same(reference("forms"), server("forms"), "POST", url, content=content, headers=headers)


def test_large_upload_is_read_whole(server):
    """A 1.28 MB upload (spooled to disk) arrives intact, bytes and UploadFile alike."""
    response = server("forms").client.post("/upload", content=multipart(file("file", BIG, "big.bin")), headers=MULTIPART)
    assert response.status_code == 200
    assert response.json()["sha1"] == hashlib.sha1(BIG).hexdigest()
    assert response.json()["size"] == len(BIG)
    assert response.json()["in_memory"] is False
    small = server("forms").client.post("/upload", content=multipart(file("file", b"abc")), headers=MULTIPART)
    assert small.json()["in_memory"] is True
