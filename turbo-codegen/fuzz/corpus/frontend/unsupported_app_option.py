# expect: TB209
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None, root_path="/api")
