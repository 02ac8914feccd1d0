from fastapi import FastAPI

from app.routes import items


class Server:
    @classmethod
    def create(cls) -> FastAPI:
        application = FastAPI()
        application.include_router(items.router, prefix="/items", tags=["items"])
        application.include_router(items.made)
        cls.add_health(application)
        Extras().install(application)
        return application

    @staticmethod
    def add_health(app: FastAPI) -> None:
        @app.get("/health")
        def health():
            return {"status": "ok"}


class Extras:
    def install(self, app: FastAPI) -> None:
        @app.get("/extras/{n}")
        def extra(n: int, scale: float = 1.5):
            return {"n": n, "scaled": n * scale}
