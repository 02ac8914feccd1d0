"""Routes FastAPI serves although they are probably mistakes: `turbo check`
reports them (and fails), `turbo build` warns and builds a server that
answers exactly as FastAPI does."""

from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/users/{user_id}")
def read_user(user_id: int):
    return {"id": user_id}


# Unreachable: FastAPI sends /users/me to read_user, which answers 422.
@app.get("/users/me")
def read_me():
    return {"me": True}


@app.get("/items")
def first_items():
    return ["first"]


# A duplicate: the first route wins.
@app.get("/items")
def second_items():
    return ["second"]


@app.post("/items")
def create_item():
    return {"created": True}


@app.get("/legacy/{id}")  # noqa: TB211
def legacy(id: str):
    return {"legacy": id}


@app.get("/legacy/old")  # noqa: TB211
def legacy_old():
    return {"old": True}
