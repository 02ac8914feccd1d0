"""What FastAPI puts in an app's OpenAPI document, feature by feature: the
schema turbo serves is compared with FastAPI's own (tests/test_openapi.py)."""

from datetime import datetime
from enum import Enum
from typing import Annotated, Literal

from fastapi import (
    APIRouter,
    Body,
    Cookie,
    Depends,
    FastAPI,
    File,
    Form,
    Header,
    HTTPException,
    Path,
    Query,
    Security,
    UploadFile,
)
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.security import (
    APIKeyHeader,
    HTTPBasic,
    HTTPBasicCredentials,
    OAuth2PasswordBearer,
    SecurityScopes,
)
from pydantic import BaseModel, Field, computed_field


def unique_id(route: APIRoute) -> str:
    return f"{route.tags[0] if route.tags else 'root'}-{route.name}"


tags_metadata = [
    {"name": "items", "description": "Operations with items.", "externalDocs": {"url": "https://example.com"}},
    {"name": "users", "description": "The **users**."},
]

app = FastAPI(
    title="Shop API",
    summary="Everything a shop sells.",
    description="A longer *Markdown* description.",
    version="2.5.0",
    terms_of_service="https://example.com/terms",
    contact={"name": "Shop", "url": "https://example.com", "email": "shop@example.com"},
    license_info={"name": "MIT", "identifier": "MIT"},
    openapi_tags=tags_metadata,
    servers=[{"url": "https://api.example.com", "description": "production"}],
    swagger_ui_parameters={"deepLinking": False, "syntaxHighlight": {"theme": "obsidian"}},
    swagger_ui_init_oauth={"clientId": "shop-client", "appName": "Shop"},
    responses={418: {"description": "I'm a teapot"}},
)
# FastAPI's documented way to report another OpenAPI version.
app.openapi_version = "3.0.2"


class Kind(str, Enum):
    tool = "tool"
    food = "food"


class Image(BaseModel):
    url: str
    name: str | None = None


class Item(BaseModel):
    """An item for sale.\fInternal notes after a form feed are not documented."""

    name: str = Field(examples=["Hammer"], min_length=1)
    price: float = Field(gt=0, description="In euros")
    kind: Kind = Kind.tool
    tags: set[str] = set()
    images: list[Image] | None = None

    @computed_field
    @property
    def label(self) -> str:
        return f"{self.name} ({self.price})"


class User(BaseModel):
    username: str
    full_name: str | None = None


class Message(BaseModel):
    message: str


class Filters(BaseModel):
    limit: int = Field(100, gt=0, le=100)
    order_by: Literal["created_at", "updated_at"] = "created_at"


oauth2 = OAuth2PasswordBearer(tokenUrl="token", scopes={"items:read": "Read items.", "items:write": "Write items."})
api_key = APIKeyHeader(name="X-Key", description="The shop's key", auto_error=False)
basic = HTTPBasic()


def current_user(scopes: SecurityScopes, token: Annotated[str, Depends(oauth2)]) -> User:
    return User(username=token)


def pagination(skip: int = 0, limit: Annotated[int, Query(le=50, description="At most 50")] = 10):
    return {"skip": skip, "limit": limit}


def verify_key(key: Annotated[str | None, Depends(api_key)], x_trace: Annotated[str | None, Header()] = None):
    return key


items = APIRouter(
    prefix="/items",
    tags=["items"],
    responses={404: {"description": "Not found", "model": Message}},
    dependencies=[Depends(verify_key)],
)


@items.get("/", response_model=list[Item], summary="List the items")
def list_items(page: Annotated[dict, Depends(pagination)], q: Annotated[str | None, Query(alias="search", deprecated=True)] = None):
    """Every item, `page` by page."""
    return []


@items.get("/{item_id}", responses={200: {"content": {"image/png": {}}, "description": "The item, or its picture"}})
def read_item(
    item_id: Annotated[int, Path(title="The item", ge=1, examples=[42])],
    user: Annotated[User, Security(current_user, scopes=["items:read"])],
    filters: Annotated[Filters, Query()],
    hidden: Annotated[str | None, Query(include_in_schema=False)] = None,
) -> Item:
    return Item(name="x", price=1)


@items.post("/", status_code=201, response_model=Item, response_description="The created item", tags=["admin"])
def create_item(
    item: Item,
    user: Annotated[User, Security(current_user, scopes=["items:write"])],
    importance: Annotated[int, Body(gt=0)] = 1,
    ads_id: Annotated[str | None, Cookie()] = None,
):
    return item


@items.put("/{item_id}", openapi_extra={"x-aperture-labs-portal": "blue"}, deprecated=True)
def replace_item(item_id: int, item: Annotated[Item, Body(embed=True, openapi_examples={"normal": {"summary": "A normal item", "value": {"name": "Foo", "price": 35.4}}})]) -> Item:
    return item


users = APIRouter(prefix="/users", tags=["users"], generate_unique_id_function=unique_id)


@users.get("/me", response_model=User, response_model_exclude_unset=True)
def read_me(credentials: Annotated[HTTPBasicCredentials, Depends(basic)]):
    return User(username=credentials.username)


@users.post("/login", operation_id="login_with_form")
def login(username: Annotated[str, Form()], password: Annotated[str, Form(min_length=8)]):
    return {"username": username}


@users.post("/avatar", status_code=202)
async def upload_avatar(file: UploadFile, note: Annotated[str, Form()] = "", thumbnails: Annotated[list[bytes], File()] = []):
    return {"filename": file.filename}


invoices_callback = APIRouter()


class InvoiceEvent(BaseModel):
    description: str
    paid: bool


@invoices_callback.post("{$callback_url}/invoices/{$request.body.id}", response_model=Message)
def invoice_notification(body: InvoiceEvent):
    pass


@app.post("/invoices/", callbacks=invoices_callback.routes, tags=["items"])
def create_invoice(invoice: Item, callback_url: Annotated[str | None, Query()] = None):
    return {"msg": "Invoice received"}


@app.get("/", response_class=HTMLResponse, include_in_schema=True)
def home():
    return "<h1>Shop</h1>"


@app.get("/health", response_class=PlainTextResponse)
def health():
    return "ok"


@app.get("/old", response_class=RedirectResponse, status_code=307)
def old():
    return "/"


@app.get("/internal", include_in_schema=False)
def internal():
    return {}


@app.get("/events/{when}", status_code=204)
def events(when: datetime, kinds: Annotated[list[Kind], Query()] = [], user_agent: Annotated[str | None, Header()] = None):
    if not kinds:
        raise HTTPException(404)


app.include_router(items)
app.include_router(users, prefix="/v1", responses={401: {"description": "Unauthorized"}}, deprecated=True)


@app.webhooks.post("new-subscription")
def new_subscription(body: User):
    """When a user subscribes, we send this."""


# A mounted application documents itself, under its path; its document is
# customised as FastAPI's documentation teaches.
sub_hooks = APIRouter()


@sub_hooks.post("thing-created")
def thing_created(body: Item):
    """Sent when a thing is created."""


sub = FastAPI(title="Sub", separate_input_output_schemas=False, docs_url="/documentation", webhooks=sub_hooks)


@sub.get("/things/{thing_id}")
def read_thing(thing_id: int) -> Item:
    return Item(name="thing", price=thing_id)


def custom_openapi():
    if sub.openapi_schema:
        return sub.openapi_schema
    schema = get_openapi(
        title="Custom", version="3.0.0", summary="Customised", routes=sub.routes, webhooks=sub.webhooks.routes
    )
    schema["info"]["x-logo"] = {"url": "https://example.com/logo.png"}
    sub.openapi_schema = schema
    return sub.openapi_schema


sub.openapi = custom_openapi
app.mount("/sub", sub)
