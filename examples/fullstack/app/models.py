from enum import Enum

from pydantic import BaseModel


class ItemBase(BaseModel):
    title: str
    description: str | None = None


class ItemCreate(ItemBase):
    pass


class ItemPublic(ItemBase):
    id: int


class Role(str, Enum):
    admin = "admin"
    user = "user"


class UserPublic(BaseModel):
    id: int
    email: str
    role: Role = Role.user
