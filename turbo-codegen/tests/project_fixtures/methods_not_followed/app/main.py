from fastapi import FastAPI

from app.extras import Extras

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
extras = Extras()
# Followed: a method called on a new instance.
Extras().install(app)
# Not followed: an instance kept in a variable.
extras.install_more(app)
