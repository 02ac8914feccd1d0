"""What a bearer token opens: scopes required by `Security()` at several
levels, and a dependency that reads the request body."""

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Security
from pydantic import BaseModel

from app.security import CurrentUser, User, get_current_active_user, get_current_user

router = APIRouter(prefix="/users")


class Note(BaseModel):
    title: str
    text: str = ""


def reason(reason: Annotated[str, Body(min_length=3)]) -> str:
    """A dependency with a body parameter: the body is then embedded."""
    return reason.upper()


@router.get("/me/", response_model=User)
def read_users_me(current_user: CurrentUser):
    return current_user


@router.get("/me/items/")
def read_own_items(current_user: Annotated[User, Security(get_current_active_user, scopes=["items"])]):
    return [{"item_id": "Foo", "owner": current_user.username}]


@router.get("/status/")
def read_system_status(current_user: Annotated[User, Depends(get_current_user)]):
    return {"status": "ok", "user": current_user.username}


@router.post("/me/notes", dependencies=[Security(get_current_user, scopes=["me"])])
def add_note(note: Note, why: Annotated[str, Depends(reason)]):
    return {"note": note, "why": why}
