# expect: TB001
from fastapi import FastAPI

app = FastAPI()

@app.get("/")
def root(:
    return 1
