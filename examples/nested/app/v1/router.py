from fastapi import APIRouter

from app.v1 import groups, pages, users
from app.v1.admin import routes as admin

router = APIRouter(prefix="/api", tags=["v1"])
router.include_router(users.router, prefix="/users")
router.include_router(groups.router, prefix="/groups")
router.include_router(admin.router, prefix=admin.PREFIX)
router.include_router(pages.router, prefix="/pages")


@router.get("/")
def api_root():
    return {"api": "v1"}
