from fastapi import APIRouter

from app.v1 import groups

router = APIRouter()

MEMBERS = {1: [10, 11], 2: [12]}


def list_in(gid: int) -> list[int]:
    return MEMBERS.get(gid, [])


@router.get("")
def list_users():
    return {"users": [10, 11, 12]}


@router.get("/{uid}/groups")
def user_groups(uid: int):
    return {"user": uid, "groups": groups.list_for(uid)}
