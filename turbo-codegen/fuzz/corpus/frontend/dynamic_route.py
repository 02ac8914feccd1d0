# expect: TB207, TB207, TB207, TB207
from fastapi import FastAPI

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

PATH = "/items"

@app.get(PATH)
def computed():
    return 1

for name in ["a", "b"]:
    @app.get("/" + name)
    def looped():
        return name

def register():
    @app.get("/inner")
    def inner():
        return 1

app.add_api_route("/added", computed)
