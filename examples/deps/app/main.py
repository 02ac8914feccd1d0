"""Dependencies as real apps write them: a module of dependables
(`app/api/deps.py`) shared by routers, `Annotated` and default spellings,
sub-dependencies, caching and `use_cache=False`, `dependencies=[...]` on a
decorator, a dependency raising `HTTPException`, dependencies declaring
path, query, header and cookie parameters, and the `Request`/`Response`."""

from fastapi import FastAPI

from app.api import items

app = FastAPI()
app.include_router(items.router, prefix="/items")
