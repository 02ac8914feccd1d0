from fastapi import APIRouter, Header

from .audit import router as audit_router

PREFIX = "/admin"

router = APIRouter(prefix="/tenants/{tenant}")


@router.get("/")
def tenant_home(tenant: str):
    return {"tenant": tenant}


router.include_router(audit_router, prefix="/audit")


@router.delete("/cache", status_code=204)
def clear_cache(tenant: str, x_token: str = Header()):
    return None
