"""Users, passwords and tokens: OAuth2 with the password flow, JWT bearer
tokens (PyJWT) and scopes, as FastAPI's security tutorial builds it.

Tokens expire at a fixed instant (settings below) so that a token is the
same bytes whichever server issued it."""

import hashlib
from typing import Annotated, Optional

import jwt
from fastapi import Depends, HTTPException, Security, status
from fastapi.security import OAuth2PasswordBearer, SecurityScopes
from jwt.exceptions import InvalidTokenError
from pydantic import BaseModel, ValidationError

SECRET_KEY = "09d25e094faa6ca2556c818166b7a9563b93f7099f6f0f4caa6cf63b88e8d3e7"
ALGORITHM = "HS256"
# 2100-01-01T00:00:00Z.
TOKEN_EXPIRES_AT = 4102444800

SCOPES = {"me": "Read information about the current user.", "items": "Read items."}

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token", scopes=SCOPES)


class User(BaseModel):
    username: str
    email: Optional[str] = None
    full_name: Optional[str] = None
    disabled: Optional[bool] = None


class UserInDB(User):
    hashed_password: str


class TokenData(BaseModel):
    username: Optional[str] = None
    scopes: list[str] = []


def hash_password(password: str, salt: str) -> str:
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), 1_000)
    return f"{salt}${digest.hex()}"


def verify_password(password: str, hashed: str) -> bool:
    salt, _ = hashed.split("$", 1)
    return hash_password(password, salt) == hashed


USERS = {
    "johndoe": UserInDB(
        username="johndoe",
        full_name="John Doe",
        email="johndoe@example.com",
        hashed_password=hash_password("secret", "j0hn"),
        disabled=False,
    ),
    "alice": UserInDB(
        username="alice",
        full_name="Alice Chains",
        email="alicechains@example.com",
        hashed_password=hash_password("secret2", "al1ce"),
        disabled=True,
    ),
}


def authenticate_user(username: str, password: str) -> Optional[UserInDB]:
    user = USERS.get(username)
    if user is None or not verify_password(password, user.hashed_password):
        return None
    return user


def create_access_token(data: dict) -> str:
    return jwt.encode({**data, "exp": TOKEN_EXPIRES_AT}, SECRET_KEY, algorithm=ALGORITHM)


async def get_current_user(security_scopes: SecurityScopes, token: Annotated[str, Depends(oauth2_scheme)]) -> User:
    if security_scopes.scopes:
        authenticate_value = f'Bearer scope="{security_scopes.scope_str}"'
    else:
        authenticate_value = "Bearer"
    credentials_exception = HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Could not validate credentials",
        headers={"WWW-Authenticate": authenticate_value},
    )
    try:
        payload = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM])
        username = payload.get("sub")
        if username is None:
            raise credentials_exception
        token_data = TokenData(scopes=payload.get("scope", "").split(" "), username=username)
    except (InvalidTokenError, ValidationError):
        raise credentials_exception
    user = USERS.get(token_data.username or "")
    if user is None:
        raise credentials_exception
    for scope in security_scopes.scopes:
        if scope not in token_data.scopes:
            raise HTTPException(
                status_code=status.HTTP_401_UNAUTHORIZED,
                detail="Not enough permissions",
                headers={"WWW-Authenticate": authenticate_value},
            )
    return user


def get_current_active_user(current_user: Annotated[User, Security(get_current_user, scopes=["me"])]) -> User:
    if current_user.disabled:
        raise HTTPException(status_code=400, detail="Inactive user")
    return current_user


CurrentUser = Annotated[User, Security(get_current_active_user, scopes=["me"])]
