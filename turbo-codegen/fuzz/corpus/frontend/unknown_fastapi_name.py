# expect: TB401, TB401, TB303
from fastapi import FastAPI, Query
from fastapi.responses import JSONResponse

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

@app.get("/items")
def read(q: str = Query(None)):
    return q
