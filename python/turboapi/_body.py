"""Request bodies, read and validated exactly as FastAPI does (internal).

The server calls these from Rust for routes with a body parameter. Reading
happens before any parameter is validated, as in FastAPI: invalid JSON
answers 422 with only the `json_invalid` error, and an undecodable body 400.
Validation then runs through `_plans.BodyPlan` (pydantic itself, in process).
"""

import email.message
import json

#: A body that was not sent (FastAPI's `Undefined`).
MISSING = object()


def read(body: bytes, content_type):
    """Returns ("ok", value), ("json_invalid", (error, text)) or ("unreadable", None)."""
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
        # The error, and the decoded text FastAPI passes as the exception's `body`.
        return "json_invalid", (
            {
                "type": "json_invalid",
                "loc": ("body", error.pos),
                "msg": "JSON decode error",
                "input": {},
                "ctx": {"error": error.msg},
            },
            error.doc,
        )
    except Exception:
        return "unreadable", None
