"""FastAPI-compatible surface of turbo.

``turbo build`` reads an app written against this API (or against ``fastapi``
itself) and compiles its routes into a native server. Inside that server this
package stands in for ``fastapi``: decorators only record the handler
function, so no routing work happens in Python.

Every public name here is listed in ``__all__``; ``turbo check`` refuses
imports from ``fastapi`` of any name not in that list (the list is mirrored in
turbo-codegen and a test keeps the two equal).
"""

from .applications import FastAPI, TurboAPI
from .background import BackgroundTasks
from .encoders import jsonable_encoder
from .exceptions import HTTPException, WebSocketException
from .datastructures import UploadFile
from .params import Body, Cookie, Depends, File, Form, Header, Path, Query, Security
from .requests import Request
from .routing import APIRouter
from .responses import Response
from .websockets import WebSocket, WebSocketDisconnect

__all__ = [
    "APIRouter",
    "BackgroundTasks",
    "Body",
    "Cookie",
    "Depends",
    "FastAPI",
    "File",
    "Form",
    "HTTPException",
    "Header",
    "Path",
    "Query",
    "Request",
    "Response",
    "Security",
    "TurboAPI",
    "UploadFile",
    "WebSocket",
    "WebSocketDisconnect",
    "WebSocketException",
    "jsonable_encoder",
]
__version__ = "0.1.0"
