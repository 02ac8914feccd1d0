"""Forms and file uploads: an unmodified FastAPI app.

Urlencoded and multipart forms, `Form()` fields with constraints and
defaults, form models, `File()` as bytes, `UploadFile` (one, optional, a
list), and large uploads that spill to a temporary file.
"""

import hashlib
from typing import Annotated, List, Optional

from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from pydantic import BaseModel, ConfigDict, Field

app = FastAPI()


class Login(BaseModel):
    username: str
    password: str = Field(min_length=4)
    remember: bool = False


class StrictLogin(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str


@app.post("/login")
def login(username: Annotated[str, Form()], password: Annotated[str, Form(min_length=4)]):
    return {"username": username, "password_length": len(password)}


@app.post("/profile")
def profile(
    name: str = Form(),
    age: int = Form(ge=0, le=150),
    nickname: Optional[str] = Form(None),
    city: str = Form("Paris", max_length=10),
    tags: List[str] = Form([]),
    newsletter: bool = Form(False),
):
    return {"name": name, "age": age, "nickname": nickname, "city": city, "tags": tags, "newsletter": newsletter}


@app.post("/aliased")
def aliased(item_name: str = Form(alias="item-name")):
    return {"item_name": item_name}


@app.post("/model")
def model_form(data: Annotated[Login, Form()]):
    return data


@app.post("/strict")
def strict_form(data: Annotated[StrictLogin, Form()]):
    return data


@app.post("/bytes")
def file_bytes(file: bytes = File()):
    return {"size": len(file), "sha1": hashlib.sha1(file).hexdigest()}


@app.post("/upload")
async def upload(file: UploadFile):
    content = await file.read()
    return {
        "filename": file.filename,
        "content_type": file.content_type,
        "size": file.size,
        "read": len(content),
        "sha1": hashlib.sha1(content).hexdigest(),
        # Starlette's `UploadFile._in_memory`: large uploads are spooled to disk.
        "in_memory": not getattr(file.file, "_rolled", True),
    }


@app.post("/upload-sync")
def upload_sync(file: UploadFile, note: str = Form("none")):
    data = file.file.read()
    return {"filename": file.filename, "size": len(data), "note": note, "headers": sorted(file.headers.keys())}


@app.post("/optional-file")
async def optional_file(file: Optional[UploadFile] = None):
    if file is None:
        return {"file": None}
    return {"file": file.filename, "size": file.size}


@app.post("/many")
async def many(files: List[UploadFile], label: Annotated[str, Form()] = "batch"):
    return {"label": label, "files": [[f.filename, f.size, len(await f.read())] for f in files]}


@app.post("/many-bytes")
def many_bytes(files: Annotated[List[bytes], File()]):
    return {"sizes": [len(f) for f in files]}


@app.post("/mixed")
async def mixed(
    title: Annotated[str, Form(min_length=1)],
    document: Annotated[UploadFile, File()],
    count: Annotated[int, Form()] = 1,
):
    head = await document.read(5)
    return {"title": title, "count": count, "document": document.filename, "head": head.decode("latin-1")}


@app.post("/refuse")
async def refuse(file: UploadFile):
    if not (file.filename or "").endswith(".csv"):
        raise HTTPException(status_code=415, detail="only CSV files")
    return {"ok": True}


@app.post("/with-request")
async def with_request(request: Request, name: str = Form()):
    return {"method": request.method, "name": name, "type": request.headers.get("content-type", "").split(";")[0]}
