from fastapi import Depends, FastAPI, Security

from app import deps
from app.deps import Inherited, not_callable

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/a")
def a(repo=Depends(deps.repository), db=Depends(deps.session, scope="module")):
    return [repo, db]


@app.get("/b")
def b(page=Depends(Inherited), ok=Depends(not_callable), other=Depends()):
    return page


@app.get("/c")
def c(payload=Security(deps.with_scopes, scopes=deps.SCOPES), value=Depends(deps.first, scope="function")):
    return payload


@app.get("/d", dependencies=[Depends(deps.unknown), deps.session])
def d(x=Depends(deps.pong)):
    return x
