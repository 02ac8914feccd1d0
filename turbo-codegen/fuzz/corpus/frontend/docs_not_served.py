# expect: TB501
from fastapi import FastAPI

app = FastAPI(title="docs on")

@app.get("/")
def root():
    return 1
