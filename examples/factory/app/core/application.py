from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api.errors import http_error_handler
from app.core import config


def get_application() -> FastAPI:
    from app.api.routes.api import router as api_router

    application = FastAPI(
        title=config.PROJECT_NAME,
        debug=False,
        version=config.VERSION,
    )
    application.add_exception_handler(StarletteHTTPException, http_error_handler)
    application.include_router(api_router, prefix=config.API_PREFIX)
    register_health(application)
    return application


def register_health(app: FastAPI) -> None:
    @app.get("/health")
    def health():
        return {"status": "ok"}
