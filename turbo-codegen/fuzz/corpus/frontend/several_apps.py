# expect: TB004
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

other = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
