"""TrustedHostMiddleware and HTTPSRedirectMiddleware (issue 13); HOSTS_CONFIG
chooses the settings."""

import os

from fastapi import FastAPI
from fastapi.middleware.httpsredirect import HTTPSRedirectMiddleware
from fastapi.middleware.trustedhost import TrustedHostMiddleware

CONFIG = os.environ.get("HOSTS_CONFIG", "trusted")

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
app.add_middleware(
    TrustedHostMiddleware,
    allowed_hosts=["*"] if CONFIG == "https" else ["example.com", "*.example.org", "www.shop.test", "[::1]"],
    www_redirect=CONFIG != "trusted-no-www",
)
app.add_middleware(HTTPSRedirectMiddleware) if CONFIG == "https" else None


@app.get("/items/{name}")
def item(name: str, q: str = ""):
    return {"name": name, "q": q}
