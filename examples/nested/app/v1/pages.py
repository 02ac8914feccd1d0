from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse

# Every route of this router answers HTML unless it says otherwise.
router = APIRouter(default_response_class=HTMLResponse)
text = APIRouter()


@router.get("/page")
def page():
    return "<h1>Hello</h1>"


@router.get("/data", response_class=JSONResponse)
def data():
    return {"a": 1}


@text.get("/plain")
def plain():
    return "just text"


router.include_router(text, prefix="/text", default_response_class=PlainTextResponse)
