"""FastAPI 0.165's server-sent events (`fastapi.sse`).

A path operation that `yield`s, declared with
`response_class=EventSourceResponse`, streams each item as one event;
`turboapi._streams` does the encoding, as FastAPI's routing does. The
classes and the wire format here are FastAPI's own.
"""

from typing import Annotated, Any, Dict, List, Optional

from pydantic import AfterValidator, BaseModel, Field, model_validator

from .responses import EventSourceResponse

__all__ = ["EventSourceResponse", "ServerSentEvent", "format_sse_event"]


#: The item schema FastAPI documents for an event stream.
_SSE_EVENT_SCHEMA: Dict[str, Any] = {
    "type": "object",
    "properties": {
        "data": {"type": "string"},
        "event": {"type": "string"},
        "id": {"type": "string"},
        "retry": {"type": "integer", "minimum": 0},
    },
}


def _check_single_line(v: Optional[str], field_name: str) -> Optional[str]:
    if v is not None and ("\r" in v or "\n" in v):
        raise ValueError(f"SSE '{field_name}' must be a single line")
    return v


def _check_event_single_line(v: Optional[str]) -> Optional[str]:
    return _check_single_line(v, "event")


def _check_id_valid(v: Optional[str]) -> Optional[str]:
    if v is not None and "\0" in v:
        raise ValueError("SSE 'id' must not contain null characters")
    return _check_single_line(v, "id")


class ServerSentEvent(BaseModel):
    """One server-sent event; `data` is always JSON-encoded, `raw_data`
    is sent as it is."""

    data: Any = None
    raw_data: Optional[str] = None
    event: Annotated[Optional[str], AfterValidator(_check_event_single_line)] = None
    id: Annotated[Optional[str], AfterValidator(_check_id_valid)] = None
    retry: Annotated[Optional[int], Field(ge=0)] = None
    comment: Optional[str] = None

    @model_validator(mode="after")
    def _check_data_exclusive(self) -> "ServerSentEvent":
        if self.data is not None and self.raw_data is not None:
            raise ValueError(
                "Cannot set both 'data' and 'raw_data' on the same "
                "ServerSentEvent. Use 'data' for JSON-serialized payloads "
                "or 'raw_data' for pre-formatted strings."
            )
        return self


def _split_sse_lines(value: str) -> List[str]:
    # Split on SSE-spec line terminators only (\n, \r\n, \r), preserving
    # trailing empty strings.
    return value.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def format_sse_event(
    *,
    data_str: Optional[str] = None,
    event: Optional[str] = None,
    id: Optional[str] = None,
    retry: Optional[int] = None,
    comment: Optional[str] = None,
) -> bytes:
    """SSE wire-format bytes from pre-serialized data; always ends with
    `\\n\\n` (the event terminator)."""
    lines: List[str] = []
    if comment is not None:
        for line in _split_sse_lines(comment):
            lines.append(f": {line}")
    if event is not None:
        lines.append(f"event: {event}")
    if data_str is not None:
        for line in _split_sse_lines(data_str):
            lines.append(f"data: {line}")
    if id is not None:
        lines.append(f"id: {id}")
    if retry is not None:
        lines.append(f"retry: {retry}")
    lines.append("")
    lines.append("")
    return "\n".join(lines).encode("utf-8")


# Keep-alive comment, per the SSE spec recommendation
KEEPALIVE_COMMENT = b": ping\n\n"

# Seconds between keep-alive pings when a generator is idle (FastAPI's;
# a module attribute read per stream, so it can be changed).
_PING_INTERVAL: float = 15.0
