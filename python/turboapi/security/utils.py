"""`fastapi.security.utils`: splitting an `Authorization` header value."""

from typing import Optional, Tuple


def get_authorization_scheme_param(authorization_header_value: Optional[str]) -> Tuple[str, str]:
    """`"Bearer  abc "` -> `("Bearer", "abc")`: the scheme is everything before
    the first space, the parameter the rest, stripped."""
    if not authorization_header_value:
        return "", ""
    scheme, _, param = authorization_header_value.partition(" ")
    return scheme, param.strip()
