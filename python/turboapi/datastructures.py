"""Headers, query parameters, URLs, addresses, forms and uploaded files, as Starlette defines them.

Handlers see these through `Request` and `Response`; they behave like
Starlette's classes of the same names (case-insensitive multi-dicts over
Latin-1 bytes, insertion order kept), ported from Starlette 1.x (BSD-3).
"""

from collections.abc import Mapping
from typing import Any, Dict, Iterator, List, NamedTuple, Optional, Tuple
from urllib.parse import parse_qsl, urlsplit


class Address(NamedTuple):
    host: str
    port: int


class Headers(Mapping):
    """An immutable, case-insensitive multi-dict of header fields."""

    def __init__(self, headers: Optional[Mapping] = None, raw: Optional[List[Tuple[bytes, bytes]]] = None) -> None:
        if headers is not None:
            self._list = [(key.lower().encode("latin-1"), value.encode("latin-1")) for key, value in headers.items()]
        else:
            self._list = raw if raw is not None else []

    @property
    def raw(self) -> List[Tuple[bytes, bytes]]:
        return list(self._list)

    def keys(self) -> List[str]:  # type: ignore[override]
        return [key.decode("latin-1") for key, _ in self._list]

    def values(self) -> List[str]:  # type: ignore[override]
        return [value.decode("latin-1") for _, value in self._list]

    def items(self) -> List[Tuple[str, str]]:  # type: ignore[override]
        return [(key.decode("latin-1"), value.decode("latin-1")) for key, value in self._list]

    def getlist(self, key: str) -> List[str]:
        wanted = key.lower().encode("latin-1")
        return [value.decode("latin-1") for name, value in self._list if name == wanted]

    def mutablecopy(self) -> "MutableHeaders":
        return MutableHeaders(raw=self._list[:])

    def __getitem__(self, key: str) -> str:
        wanted = key.lower().encode("latin-1")
        for name, value in self._list:
            if name == wanted:
                return value.decode("latin-1")
        raise KeyError(key)

    def __contains__(self, key: Any) -> bool:
        wanted = key.lower().encode("latin-1")
        return any(name == wanted for name, _ in self._list)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self._list)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Headers) and sorted(self._list) == sorted(other._list)

    def __repr__(self) -> str:
        as_dict = dict(self.items())
        if len(as_dict) == len(self):
            return f"{type(self).__name__}({as_dict!r})"
        return f"{type(self).__name__}(raw={self.raw!r})"


class MutableHeaders(Headers):
    """Headers of a response: setting a field replaces every earlier value."""

    def __setitem__(self, key: str, value: str) -> None:
        set_key = key.lower().encode("latin-1")
        set_value = value.encode("latin-1")
        found = [i for i, (name, _) in enumerate(self._list) if name == set_key]
        for i in reversed(found[1:]):
            del self._list[i]
        if found:
            self._list[found[0]] = (set_key, set_value)
        else:
            self._list.append((set_key, set_value))

    def __delitem__(self, key: str) -> None:
        del_key = key.lower().encode("latin-1")
        self._list[:] = [(name, value) for name, value in self._list if name != del_key]

    @property
    def raw(self) -> List[Tuple[bytes, bytes]]:
        return self._list

    def setdefault(self, key: str, value: str) -> str:
        set_key = key.lower().encode("latin-1")
        for name, existing in self._list:
            if name == set_key:
                return existing.decode("latin-1")
        self._list.append((set_key, value.encode("latin-1")))
        return value

    def update(self, other: Mapping) -> None:  # type: ignore[override]
        for key, value in other.items():
            self[key] = value

    def append(self, key: str, value: str) -> None:
        self._list.append((key.lower().encode("latin-1"), value.encode("latin-1")))

    def add_vary_header(self, vary: str) -> None:
        self["vary"] = ", ".join([*self.getlist("vary"), vary])


class ImmutableMultiDict(Mapping):
    """Starlette's `ImmutableMultiDict`: `[key]` is the last value, `getlist`
    every value, `multi_items` all pairs in order."""

    def __init__(self, items: Any = ()) -> None:
        if hasattr(items, "multi_items"):
            items = items.multi_items()
        elif hasattr(items, "items"):
            items = items.items()
        self._list = list(items)
        self._dict = {key: value for key, value in self._list}

    def getlist(self, key: Any) -> List[Any]:
        return [value for name, value in self._list if name == key]

    def multi_items(self) -> List[Tuple[Any, Any]]:
        return list(self._list)

    def keys(self):  # type: ignore[override]
        return self._dict.keys()

    def values(self):  # type: ignore[override]
        return self._dict.values()

    def items(self):  # type: ignore[override]
        return self._dict.items()

    def __getitem__(self, key: Any) -> Any:
        return self._dict[key]

    def __contains__(self, key: Any) -> bool:
        return key in self._dict

    def __iter__(self) -> Iterator[Any]:
        return iter(self._dict)

    def __len__(self) -> int:
        return len(self._dict)

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, type(self)):
            return False
        return sorted(self._list, key=lambda item: item[0]) == sorted(other._list, key=lambda item: item[0])

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.multi_items()!r})"


class QueryParams(ImmutableMultiDict):
    """An immutable multi-dict of query parameters; `[key]` is the last value."""

    def __init__(self, query_string: str = "") -> None:
        super().__init__(parse_qsl(query_string, keep_blank_values=True))

    def __str__(self) -> str:
        from urllib.parse import urlencode

        return urlencode(self._list)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class URL:
    """The request URL: `scheme://host/path?query` with its parts."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._parts = urlsplit(url)

    @property
    def scheme(self) -> str:
        return self._parts.scheme

    @property
    def netloc(self) -> str:
        return self._parts.netloc

    @property
    def path(self) -> str:
        return self._parts.path

    @property
    def query(self) -> str:
        return self._parts.query

    @property
    def fragment(self) -> str:
        return self._parts.fragment

    @property
    def hostname(self) -> Optional[str]:
        return self._parts.hostname

    @property
    def port(self) -> Optional[int]:
        return self._parts.port

    @property
    def is_secure(self) -> bool:
        return self.scheme in ("https", "wss")

    def __eq__(self, other: Any) -> bool:
        return str(self) == str(other)

    def __str__(self) -> str:
        return self._url

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._url!r})"


class State:
    """Starlette's `State`: attributes kept in a dict (`app.state`, and
    `request.state`, whose dict is the request scope's `"state"`)."""

    def __init__(self, state: Optional[Dict[str, Any]] = None) -> None:
        super().__setattr__("_state", {} if state is None else state)

    def __setattr__(self, key: Any, value: Any) -> None:
        self._state[key] = value

    def __getattr__(self, key: Any) -> Any:
        try:
            return self._state[key]
        except KeyError:
            raise AttributeError(f"'{self.__class__.__name__}' object has no attribute '{key}'")

    def __delattr__(self, key: Any) -> None:
        del self._state[key]

    def __getitem__(self, key: str) -> Any:
        return self._state[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._state[key] = value

    def __delitem__(self, key: str) -> None:
        del self._state[key]

    def __iter__(self):
        return iter(self._state)

    def __len__(self) -> int:
        return len(self._state)


class UploadFile:
    """A file uploaded in a multipart form (Starlette's `UploadFile`, with
    FastAPI's pydantic validation). turbo's server parses the form in Rust:
    `file` is an in-memory `SpooledTemporaryFile` for uploads up to 1 MB and an
    anonymous temporary file on disk above that, positioned at the start.

    The async methods run the file operation directly: a turbo server has one
    Python thread, where Starlette would hand large files to its thread pool.
    """

    def __init__(
        self,
        file: Any,
        *,
        size: Optional[int] = None,
        filename: Optional[str] = None,
        headers: Optional[Headers] = None,
    ) -> None:
        self.filename = filename
        self.file = file
        self.size = size
        self.headers = headers or Headers()

    @property
    def content_type(self) -> Optional[str]:
        return self.headers.get("content-type", None)

    async def write(self, data: bytes) -> None:
        if self.size is not None:
            self.size += len(data)
        self.file.write(data)

    async def read(self, size: int = -1) -> bytes:
        return self.file.read(size)

    async def seek(self, offset: int) -> None:
        self.file.seek(offset)

    async def close(self) -> None:
        self.file.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(filename={self.filename!r}, size={self.size!r}, headers={self.headers!r})"

    @classmethod
    def _validate(cls, value: Any, _info: Any) -> "UploadFile":
        if not isinstance(value, UploadFile):
            raise ValueError(f"Expected UploadFile, received: {type(value)}")
        return value

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> Dict[str, Any]:
        return {"type": "string", "contentMediaType": "application/octet-stream"}

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.with_info_plain_validator_function(cls._validate)


class FormData(ImmutableMultiDict):
    """An immutable multi-dict of a form's text fields and `UploadFile`s."""

    async def close(self) -> None:
        for _, value in self.multi_items():
            if isinstance(value, UploadFile):
                await value.close()
