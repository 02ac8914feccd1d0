from fastapi import FastAPI

from app import users

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
app.include_router(users.router)


@app.get("/users/me")
def read_me():
    return {"id": 0}
