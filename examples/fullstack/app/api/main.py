from fastapi import APIRouter

from app.api.routes import items, login, users, utils
from app.core.config import settings

api_router = APIRouter()
api_router.include_router(login.router)
api_router.include_router(users.router)
api_router.include_router(items.router)

if settings.ENVIRONMENT == "local":
    api_router.include_router(utils.router)


# Added after the inclusions above: FastAPI serves it all the same.
@users.router.get("/stats/count")
def count_users():
    return {"count": 0}
