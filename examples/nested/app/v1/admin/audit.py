from enum import Enum

from fastapi import APIRouter

router = APIRouter()


class Level(str, Enum):
    info = "info"
    error = "error"


@router.get("/events")
async def events(tenant: str, level: Level = Level.info, limit: int = 10):
    return {"tenant": tenant, "level": level, "limit": limit}


@router.get("/events/{event_id:int}")
async def event(tenant: str, event_id: int):
    return {"tenant": tenant, "event": event_id}
