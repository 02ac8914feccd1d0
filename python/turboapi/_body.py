"""Request bodies, read and validated exactly as FastAPI does (internal).

The server calls these from Rust for routes with a body parameter. Reading
happens before any parameter is validated, as in FastAPI: invalid JSON
answers 422 with only the `json_invalid` error, and an undecodable body 400.
Validation then runs through pydantic itself, in process, so every error
(type, loc, msg, input, ctx) is pydantic's own, with FastAPI's "body" prefix.
"""

import email.message
import json
from copy import deepcopy

#: A body that was not sent (FastAPI's `Undefined`).
MISSING = object()


def read(body: bytes, content_type):
    """Returns ("ok", value), ("json_invalid", error) or ("unreadable", None)."""
    if not body:
        return "ok", MISSING
    try:
        if not content_type:
            # FastAPI's strict_content_type (the default): no header, no JSON.
            return "ok", body
        message = email.message.Message()
        message["content-type"] = content_type
        if message.get_content_maintype() == "application":
            subtype = message.get_content_subtype()
            if subtype == "json" or subtype.endswith("+json"):
                return "ok", json.loads(body)
        return "ok", body
    except json.JSONDecodeError as error:
        return "json_invalid", {
            "type": "json_invalid",
            "loc": ("body", error.pos),
            "msg": "JSON decode error",
            "input": {},
            "ctx": {"error": error.msg},
        }
    except Exception:
        return "unreadable", None


class BodyParam:
    """One body parameter: its pydantic adapter and what absence means."""

    def __init__(self, annotation, required: bool, default=None):
        from pydantic import TypeAdapter

        self.adapter = TypeAdapter(annotation)
        self.required = required
        self.default = default

    def validate(self, value):
        """Returns (value, errors): FastAPI's `_validate_value_with_model_field`."""
        if value is MISSING:
            if self.required:
                return None, [{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}]
            return deepcopy(self.default), []
        from pydantic import ValidationError

        try:
            return self.adapter.validate_python(value, from_attributes=True), []
        except ValidationError as exc:
            return None, [{**error, "loc": ("body",) + tuple(error.get("loc", ()))} for error in exc.errors(include_url=False)]
