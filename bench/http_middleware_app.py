"""bench/app.py's sync route behind an `@app.middleware("http")` function
that adds a header, the commonest Python middleware (bench/middleware.py):
turbo runs it through its ASGI bridge."""

from fastapi import FastAPI, Request

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.middleware("http")
async def served_by(request: Request, call_next):
    response = await call_next(request)
    response.headers["X-Served-By"] = "bench"
    return response


@app.get("/items/{item_id}")
def read_item(item_id: int, q: str | None = None):
    return {"item_id": item_id, "q": q}
