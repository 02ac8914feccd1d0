"""OAuth2 password login with JWT bearer tokens and scopes, and every
security scheme of `fastapi.security`, across modules."""

from fastapi import FastAPI

from app.routes import auth, schemes, users

app = FastAPI()

app.include_router(auth.router)
app.include_router(users.router)
app.include_router(schemes.router)
