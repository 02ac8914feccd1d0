from fastapi import Depends, FastAPI

from app import deps
from app.deps import Pagination, checker

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/a")
def a(user=Depends(deps.async_user), db=Depends(deps.session)):
    return [user, db]


@app.get("/b")
def b(page=Depends(Pagination), ok=Depends(checker), other=Depends()):
    return page


@app.get("/c")
def c(payload=Depends(deps.with_body), value=Depends(deps.first, scope="function")):
    return payload


@app.get("/d", dependencies=[Depends(deps.unknown), deps.session])
def d(x=Depends(deps.pong)):
    return x
