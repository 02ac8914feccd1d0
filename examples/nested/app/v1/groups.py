from fastapi import APIRouter

from app.v1 import users

router = APIRouter()


def list_for(uid: int) -> list[int]:
    return [gid for gid, members in users.MEMBERS.items() if uid in members]


@router.get("/{gid}/members")
def members(gid: int):
    return {"group": gid, "members": users.list_in(gid)}
