"""Enum and Literal parameters: an unmodified FastAPI app."""

import enum
from typing import Literal, Optional

from fastapi import FastAPI, Header, Query

app = FastAPI()


class Color(str, enum.Enum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


class Size(enum.IntEnum):
    SMALL = 1
    LARGE = 2


class Plain(enum.Enum):
    A = "a"
    B = "b"


@app.get("/paint/{color}")
def paint(
    color: Color,
    size: Size = Size.SMALL,
    plain: Optional[Plain] = None,
    mode: Literal["fast", "slow"] = "fast",
    one: Literal["x"] = "x",
    number: Literal[1, 2] = 1,
):
    return {
        "color": color,
        "is_member": isinstance(color, Color),
        "size": size,
        "size_is_member": size is Size(size),
        "plain": plain,
        "mode": mode,
        "one": one,
        "number": number,
    }


@app.get("/theme")
def theme(accent: Color = Query(Color.BLUE, alias="accent-color"), x_mode: Literal["dark", "light"] = Header("light")):
    return {"accent": accent, "mode": x_mode}
