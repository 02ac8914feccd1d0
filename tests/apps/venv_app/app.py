"""An app importing a package that only a virtual environment provides
(tests/test_operations.py makes the venv and starts the server with
`--venv`)."""

import sys

import turbo_venv_probe
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/")
def probe():
    return {"value": turbo_venv_probe.VALUE, "stdlib": sys.modules["json"].__file__}
