import os

from fastapi import FastAPI

from .api import routes
from .api.routes import empty, router

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

app.include_router(router, prefix=os.environ["PREFIX"])
app.include_router(empty)
app.include_router(routes.made)
app.include_router(routes.empty, prefix="/e", max_body_size=10)
app.include_router(routes.empty, prefx="/e")
