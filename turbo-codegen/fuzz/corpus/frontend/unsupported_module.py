# expect: TB402
from starlette.exceptions import HTTPException
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
