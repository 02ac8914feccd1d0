# expect: TB103
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

@app.get("/pairs/{a}/{a}")
def read(a: int):
    return 1
