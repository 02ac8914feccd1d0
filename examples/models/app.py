"""Return values of every shape FastAPI encodes: pydantic models (nested,
aliased, optional), dataclasses, enums, datetimes, UUIDs, decimals, sets,
tuples and dicts with non-string keys. An unmodified FastAPI app."""

import dataclasses
import datetime
import enum
import uuid
from collections import OrderedDict
from decimal import Decimal
from typing import List, Optional

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

app = FastAPI()


class Color(str, enum.Enum):
    RED = "red"
    GREEN = "green"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Tag(BaseModel):
    name: str
    weight: float = 1.0


class Item(BaseModel):
    name: str
    price: float
    item_id: int = Field(alias="itemId", default=0)
    tags: List[Tag] = []
    color: Color = Color.RED
    note: Optional[str] = None
    created: datetime.datetime = datetime.datetime(2024, 1, 2, 3, 4, 5)


@dataclasses.dataclass
class Point:
    x: int
    y: float
    label: str = "p"


@app.get("/model")
def model():
    return Item(name="hammer", price=9.5, itemId=7, tags=[Tag(name="tools"), Tag(name="heavy", weight=2.5)])


@app.get("/models")
def models(count: int = 2):
    return [Item(name=f"item{i}", price=i * 1.25, itemId=i) for i in range(count)]


@app.get("/nested")
def nested():
    return {"item": Item(name="n", price=0.1), "items": (Tag(name="a"),), "points": [Point(1, 2.5)]}


@app.get("/dataclass")
def dataclass():
    return Point(x=3, y=-0.0)


@app.get("/types")
def types():
    return {
        "when": datetime.datetime(2024, 5, 6, 7, 8, 9, 123456),
        "aware": datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc),
        "day": datetime.date(2024, 2, 29),
        "time": datetime.time(23, 59, 1),
        "delta": datetime.timedelta(days=1, seconds=30, microseconds=5),
        "uuid": uuid.UUID("123e4567-e89b-12d3-a456-426614174000"),
        "decimal_int": Decimal("10"),
        "decimal_frac": Decimal("10.25"),
        "color": Color.GREEN,
        "level": Level.HIGH,
        "frozen": frozenset([3]),
        "tuple": (1, "two", 3.0),
        "bytes": b"raw bytes",
        "ordered": OrderedDict([("b", 1), ("a", 2)]),
    }


@app.get("/keys")
def keys():
    return {1: "int", 2.5: "float", True: "bool", None: "none", Color.RED: "enum", "_sa_hidden": 1, "_visible": 2}


@app.get("/scalars/{kind}")
def scalars(kind: str):
    values = {
        "str": "plain",
        "int": 42,
        "big": 2**100,
        "float": 3.14,
        "true": True,
        "none": None,
        "list": [],
        "empty": {},
    }
    if kind not in values:
        raise HTTPException(status_code=404, detail={"unknown": kind, "known": sorted(values)})
    return values[kind]


@app.get("/unserializable")
def unserializable():
    return {"value": object()}


@app.get("/infinity")
def infinity():
    return [float("inf")]
