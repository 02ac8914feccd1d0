"""Logging in: the OAuth2 password form, as a class dependency."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi.security import OAuth2PasswordRequestForm, OAuth2PasswordRequestFormStrict

from app.security import authenticate_user, create_access_token

router = APIRouter(tags=["auth"])


@router.post("/token")
def login(form_data: Annotated[OAuth2PasswordRequestForm, Depends()]):
    user = authenticate_user(form_data.username, form_data.password)
    if user is None:
        raise HTTPException(status_code=400, detail="Incorrect username or password")
    token = create_access_token({"sub": user.username, "scope": " ".join(form_data.scopes)})
    return {"access_token": token, "token_type": "bearer"}


@router.post("/token/strict")
def login_strict(form_data: OAuth2PasswordRequestFormStrict = Depends()):
    """`grant_type` is required here (and must be "password")."""
    return {
        "grant_type": form_data.grant_type,
        "username": form_data.username,
        "scopes": form_data.scopes,
        "client_id": form_data.client_id,
        "client_secret": form_data.client_secret,
    }
