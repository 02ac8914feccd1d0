"""The smallest turbo app, written against turbo's own package name."""

from turboapi import TurboAPI

app = TurboAPI(title="hello")


@app.get("/")
def root():
    return {"message": "Hello, World"}


@app.get("/hello/{name}")
def hello(name: str, excited: bool = False):
    greeting = f"Hello, {name}"
    return {"greeting": greeting + ("!" if excited else ".")}


@app.get("/users/{user_id}")
def user(user_id: int):
    return {"user_id": user_id, "name": f"user{user_id}"}
