"""WebSockets (issue 13): a conversation of text, bytes and JSON; path,
query, header and cookie parameters and `Depends`; subprotocols and
accept headers; `iter_text`; closes with codes and reasons; a
`WebSocketException` before and after accepting; parameters that do not
validate (FastAPI's 1008: a 403 before accepting); a handler that raises,
or returns without accepting (uvicorn's 500); the client going away
(`WebSocketDisconnect`); HTTP requests to a WebSocket path, and handshakes
to an HTTP path."""

from typing import Annotated, Optional

from fastapi import Cookie, Depends, FastAPI, Header, Query, WebSocket, WebSocketDisconnect, WebSocketException, status

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

EVENTS = []


async def token(websocket: WebSocket, token: Annotated[Optional[str], Query()] = None):
    if token == "bad":
        raise WebSocketException(code=status.WS_1008_POLICY_VIOLATION, reason="bad token")
    return token or "anonymous"


@app.get("/events")
def events():
    return EVENTS


@app.websocket("/echo")
async def echo(websocket: WebSocket):
    await websocket.accept()
    text = await websocket.receive_text()
    await websocket.send_text(f"text: {text}")
    data = await websocket.receive_bytes()
    await websocket.send_bytes(data[::-1])
    payload = await websocket.receive_json()
    await websocket.send_json({"got": payload, "é": True})
    await websocket.close(code=4000, reason="done")


@app.websocket("/items/{item_id}")
async def items(
    websocket: WebSocket,
    item_id: int,
    who: Annotated[str, Depends(token)],
    q: Optional[int] = None,
    x_client: Annotated[Optional[str], Header()] = None,
    session: Annotated[Optional[str], Cookie()] = None,
):
    await websocket.accept()
    await websocket.send_json(
        {"item_id": item_id, "who": who, "q": q, "x_client": x_client, "session": session,
         "path": websocket.url.path, "query": str(websocket.query_params)}
    )
    await websocket.close()


@app.websocket("/protocols")
async def protocols(websocket: WebSocket):
    await websocket.accept(subprotocol="chat.v2", headers=[(b"x-accepted", b"yes")])
    await websocket.send_text(",".join(websocket.scope["subprotocols"]))
    await websocket.close()


@app.websocket("/chat")
async def chat(websocket: WebSocket):
    await websocket.accept()
    try:
        async for message in websocket.iter_text():
            await websocket.send_text(message.upper())
        EVENTS.append("chat ended by iter_text")
    except WebSocketDisconnect as exc:  # pragma: no cover - iter_text swallows it
        EVENTS.append(f"chat disconnect {exc.code}")


@app.websocket("/listen")
async def listen(websocket: WebSocket):
    await websocket.accept()
    try:
        while True:
            await websocket.receive_text()
    except WebSocketDisconnect as exc:
        EVENTS.append(f"listen disconnect {exc.code}")


@app.websocket("/refuse")
async def refuse(websocket: WebSocket):
    await websocket.close(code=status.WS_1008_POLICY_VIOLATION)


@app.websocket("/after-accept")
async def after_accept(websocket: WebSocket):
    await websocket.accept()
    raise WebSocketException(code=4001, reason="policy")


@app.websocket("/raises")
async def raises(websocket: WebSocket):
    raise RuntimeError("boom before accept")


@app.websocket("/raises-later")
async def raises_later(websocket: WebSocket):
    await websocket.accept()
    await websocket.send_text("about to fail")
    raise RuntimeError("boom after accept")


@app.websocket("/forgets")
async def forgets(websocket: WebSocket):
    return None


@app.websocket("/returns")
async def returns(websocket: WebSocket):
    await websocket.accept()
    await websocket.send_text("bye")
