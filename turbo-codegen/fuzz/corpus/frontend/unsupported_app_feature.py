# expect: TB208, TB208
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

app.include_router(object())

@app.exception_handler(ValueError)
def handle(request, exc):
    return None
