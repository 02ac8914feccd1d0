from fastapi import APIRouter

from ...models import Role, UserPublic

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/me", response_model=UserPublic)
def read_user_me():
    return UserPublic(id=1, email="me@example.com", role=Role.admin)


@router.get("/{user_id}")
def read_user(user_id: int, role: Role = Role.user):
    return {"id": user_id, "role": role}


@router.get("")
def list_users(q: str | None = None):
    return {"users": [], "q": q}
