# expect: TB104
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

@app.get("/files/{name:path}/raw")
def read(name: str):
    return name
