# expect: clean
from typing import Optional, Union
from uuid import UUID

import fastapi
from fastapi import FastAPI, HTTPException

app = fastapi.FastAPI(title="clean", openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/users/me")
def me():
    return {"user": "me"}


@app.get("/users/{user_id}")
def user(user_id: int, verbose: Optional[bool] = None, q: Union[str, None] = None, r: None | float = None):
    return {"user_id": user_id}


@app.post("/users/{user_id}", status_code=201, tags=["users"], summary="create")
async def create(user_id: int, *, name: str = "x", score: float = 1, big: int = 123456789012345678901234567890):
    return {"user_id": user_id, "name": name}


@app.get("/objects/{object_id:uuid}")
def obj(object_id: UUID) -> None:
    return None


@app.api_route("/both", methods=["get", "post"], include_in_schema=False)
def both(neg: int = -1, half: float = -0.5, untyped=None):
    raise HTTPException(status_code=400, detail="bad")


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app)
