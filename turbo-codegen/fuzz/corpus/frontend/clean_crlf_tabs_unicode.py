# expect: clean
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/café/{name}")
def café(name: str):
	return {"näme": name, "snow": "☃"}
