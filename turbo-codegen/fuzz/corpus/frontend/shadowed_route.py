# expect: TB212
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/teams/{team}/members")
def members(team: str):
    return team


@app.get("/teams/admins/{section}")
def admins(section: str):
    return section
