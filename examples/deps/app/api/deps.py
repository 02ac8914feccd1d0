from typing import Annotated, Optional

from fastapi import Cookie, Depends, Header, HTTPException, Query, Request, Response

CALLS = []
COUNT = [0]


def pagination(skip: int = 0, limit: Annotated[int, Query(le=100)] = 10):
    CALLS.append("pagination")
    return {"skip": skip, "limit": limit}


def token(x_token: Annotated[str, Header()]):
    CALLS.append("token")
    if x_token != "secret":
        raise HTTPException(status_code=401, detail="Invalid token", headers={"WWW-Authenticate": "Bearer"})
    return x_token


def current_user(token: Annotated[str, Depends(token)], session: Optional[str] = Cookie(None)):
    CALLS.append("current_user")
    return {"name": "ann", "token": token, "session": session}


def counter():
    COUNT[0] += 1
    return COUNT[0]


def audit(request: Request, response: Response, user: Annotated[dict, Depends(current_user)]):
    CALLS.append("audit")
    response.headers["x-audited"] = user["name"]
    return request.url.path


def item_owner(item_id: int, user: dict = Depends(current_user)):
    CALLS.append("item_owner")
    if item_id == 13:
        raise HTTPException(status_code=403, detail="Not your item")
    return user["name"]
