"""`CORSMiddleware`, served by the server in Rust (`server/cors.rs`).

The constructor is Starlette 1.10's: it computes the headers of simple
and preflight responses from the options once; the server reads those
attributes at start-up (`native_options`) and applies Starlette's
per-request logic to them.
"""

import re
from typing import Any, Collection, Dict, List, Optional

__all__ = ["CORSMiddleware"]

ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY")
SAFELISTED_HEADERS = {"Accept", "Accept-Language", "Content-Language", "Content-Type"}


class CORSMiddleware:
    def __init__(
        self,
        app: Any,
        allow_origins: Collection[str] = (),
        allow_methods: Collection[str] = ("GET",),
        allow_headers: Collection[str] = (),
        allow_credentials: bool = False,
        allow_origin_regex: Optional[str] = None,
        allow_private_network: bool = False,
        expose_headers: Collection[str] = (),
        max_age: int = 600,
    ) -> None:
        if "*" in allow_methods:
            allow_methods = ALL_METHODS

        compiled_allow_origin_regex = None
        if allow_origin_regex is not None:
            compiled_allow_origin_regex = re.compile(allow_origin_regex)

        allow_all_origins = "*" in allow_origins
        allow_all_headers = "*" in allow_headers
        preflight_explicit_allow_origin = not allow_all_origins or allow_credentials

        simple_headers: Dict[str, str] = {}
        if allow_all_origins:
            simple_headers["Access-Control-Allow-Origin"] = "*"
        if allow_credentials:
            simple_headers["Access-Control-Allow-Credentials"] = "true"
        if expose_headers:
            simple_headers["Access-Control-Expose-Headers"] = ", ".join(expose_headers)

        preflight_headers: Dict[str, str] = {
            "Vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
            "Access-Control-Request-Private-Network"
        }
        if not preflight_explicit_allow_origin:
            preflight_headers["Access-Control-Allow-Origin"] = "*"
        preflight_headers.update(
            {
                "Access-Control-Allow-Methods": ", ".join(allow_methods),
                "Access-Control-Max-Age": str(max_age),
            }
        )
        allow_headers = sorted(SAFELISTED_HEADERS | set(allow_headers))
        if allow_headers and not allow_all_headers:
            preflight_headers["Access-Control-Allow-Headers"] = ", ".join(allow_headers)
        if allow_credentials:
            preflight_headers["Access-Control-Allow-Credentials"] = "true"

        self.app = app
        self.allow_origins = allow_origins
        self.allow_methods = allow_methods
        self.allow_headers = [h.lower() for h in allow_headers]
        self.allow_all_origins = allow_all_origins
        self.allow_all_headers = allow_all_headers
        self.allow_credentials = allow_credentials
        self.preflight_explicit_allow_origin = preflight_explicit_allow_origin
        self.allow_origin_regex = compiled_allow_origin_regex
        self.allow_private_network = allow_private_network
        self.simple_headers = simple_headers
        self.preflight_headers = preflight_headers

    def native_options(self) -> Dict[str, Any]:
        """What the server's CORS needs, as plain values: the attributes
        above (origins and methods as the strings Starlette's `in` can
        match), the origin regex's `fullmatch`, header dicts as (name,
        value) pairs in order."""
        return {
            "allow_origins": _strings(self.allow_origins),
            "allow_methods": _strings(self.allow_methods),
            "allow_headers": list(self.allow_headers),
            "allow_all_origins": bool(self.allow_all_origins),
            "allow_all_headers": bool(self.allow_all_headers),
            "allow_credentials": bool(self.allow_credentials),
            "preflight_explicit_allow_origin": bool(self.preflight_explicit_allow_origin),
            "origin_regex": None if self.allow_origin_regex is None else self.allow_origin_regex.fullmatch,
            "allow_private_network": bool(self.allow_private_network),
            "simple_headers": list(self.simple_headers.items()),
            "preflight_headers": list(self.preflight_headers.items()),
        }


def _strings(values: Collection[Any]) -> List[str]:
    """The values Starlette's `in` can match against a header's text: its
    strings (anything else, a URL object say, never equals one)."""
    return [value for value in values if isinstance(value, str)]
