//! `turbo explain CODE`: what a diagnostic means, with an example and its fix.

use crate::diagnostics::{Code, Severity};

/// (what it means and why it matters, code that triggers it, the fix)
fn entry(code: Code) -> (&'static str, &'static str, &'static str) {
    match code {
        Code::SyntaxError => (
            "Python cannot parse the file. turbo reads it with a Python 3 parser and stops where Python would.",
            "@app.get(\"/\")\ndef root(:\n    return {}",
            "@app.get(\"/\")\ndef root():\n    return {}",
        ),
        Code::InvalidUtf8 => (
            "The file is not UTF-8. Python 3 reads source as UTF-8 unless told otherwise; turbo requires UTF-8.",
            "name = \"caf\\xe9\"   # saved as Latin-1",
            "name = \"café\"      # saved as UTF-8",
        ),
        Code::NoApp => (
            "turbo compiles the application object bound at module level. It found no `app = FastAPI()` \
             (or `TurboAPI()`) imported from `fastapi` or `turboapi`.",
            "def create_app():\n    return FastAPI()",
            "from fastapi import FastAPI\n\napp = FastAPI()",
        ),
        Code::SeveralApps => (
            "The module creates more than one application object. turbo compiles one app per module: the first.",
            "app = FastAPI()\nadmin = FastAPI()",
            "app = FastAPI()   # move `admin` to its own module and build it separately",
        ),
        Code::InvalidPath => (
            "The path template is malformed: it must start with `/`, braces must pair up, and parameter names \
             must be identifiers. Starlette refuses some of these at start-up and silently treats others as \
             literal text, so `{item-id}` would never capture anything.",
            "@app.get(\"/items/{item-id}\")",
            "@app.get(\"/items/{item_id}\")",
        ),
        Code::UnknownConvertor => (
            "A path parameter names a convertor Starlette does not have; it fails at start-up. \
             The convertors are str, path, int, float and uuid.",
            "@app.get(\"/items/{item_id:integer}\")",
            "@app.get(\"/items/{item_id:int}\")",
        ),
        Code::DuplicatePathParam => (
            "A name is used twice in one path. Starlette refuses this at start-up.",
            "@app.get(\"/pairs/{a}/{a}\")",
            "@app.get(\"/pairs/{a}/{b}\")",
        ),
        Code::PathConvertorNotLast => (
            "A `:path` parameter matches any text, slashes included. Anywhere but at the end it can swallow \
             what was meant for the rest of the template. A warning: it works, but rarely as intended.",
            "@app.get(\"/files/{name:path}/raw\")",
            "@app.get(\"/raw/{name:path}\")",
        ),
        Code::TooManyPathParams => (
            "turbo captures at most 16 path parameters per route.",
            "@app.get(\"/{a}/{b}/.../{q}\")   # 17 parameters",
            "Move some of the values to query parameters.",
        ),
        Code::DuplicateRoute => (
            "The same method and path are declared twice. FastAPI serves the first and never calls the second, \
             while its documentation shows the last.",
            "@app.get(\"/items\")\ndef list_items(): ...\n\n@app.get(\"/items\")\ndef list_items_v2(): ...",
            "Remove one, or give it another path or method.",
        ),
        Code::UnknownMethod => (
            "`methods=` names something that is not an HTTP method; no client will ever send it.",
            "@app.api_route(\"/items\", methods=[\"GET\", \"FETCH\"])",
            "@app.api_route(\"/items\", methods=[\"GET\", \"POST\"])",
        ),
        Code::InvalidStatusCode => (
            "`status_code=` must be an integer literal between 100 and 599 so turbo can compile it.",
            "CREATED = 201\n@app.post(\"/items\", status_code=CREATED)",
            "@app.post(\"/items\", status_code=201)",
        ),
        Code::UnsupportedRouteOption => (
            "The decorator (or an `include_router()` call) uses a FastAPI option that changes how \
             requests are served, which turbo does not implement yet (form_limits, a response_class that \
             is not one of turbo's response classes; `dependencies=` on `include_router()`). turbo refuses \
             it rather than serve a different response.",
            "@app.post(\"/upload\", form_limits=FormLimits(max_files=1))",
            "@app.post(\"/upload\")   # or keep this route on uvicorn for now",
        ),
        Code::UnknownRouteOption => (
            "The decorator has a keyword argument FastAPI does not know; FastAPI raises a TypeError at import.",
            "@app.post(\"/items\", status=201)",
            "@app.post(\"/items\", status_code=201)",
        ),
        Code::RouteOnNonFunction => (
            "A route decorator is applied to something that is not a function.",
            "@app.get(\"/items\")\nclass Items: ...",
            "@app.get(\"/items\")\ndef items(): ...",
        ),
        Code::DynamicRoute => (
            "The route is declared in a way turbo cannot see without running Python: a computed path, a \
             route inside a loop, function or if block, `add_api_route`, an alias of a decorator, or a \
             decorator used without a call. turbo says so instead of guessing.",
            "for name in [\"a\", \"b\"]:\n    @app.get(\"/\" + name)\n    def handler(): ...",
            "@app.get(\"/a\")\ndef a(): ...\n\n@app.get(\"/b\")\ndef b(): ...",
        ),
        Code::UnsupportedAppFeature => (
            "The app uses a FastAPI feature turbo does not serve yet: middleware other than \
             Starlette's CORS, GZip, TrustedHost and HTTPSRedirect (`@app.middleware(\"http\")`, \
             sessions, third-party ASGI middleware, ...), mounts, WebSockets.",
            "@app.middleware(\"http\")\nasync def timing(request, call_next): ...",
            "Remove it, or keep this app on uvicorn for now.",
        ),
        Code::UnsupportedAppOption => (
            "`FastAPI(...)` or `APIRouter(...)` is given an option that changes how requests are served \
             and that turbo does not serve yet (root_path, ...), or an option turbo cannot read (a \
             positional argument, `**options`, a middleware option the class does not take). \
             Documentation options such as title and version are fine.",
            "app = FastAPI(root_path=\"/api\")",
            "app = FastAPI(title=\"My API\")",
        ),
        Code::UnknownAppObject => (
            "A route decorator is called on an object that is not the application turbo compiles, such as \
             an APIRouter. turbo compiles the routes of the app object only.",
            "router = APIRouter()\n\n@router.get(\"/items\")",
            "@app.get(\"/items\")",
        ),
        Code::UnreachableRoute => (
            "An earlier route matches every path this route could serve, with the same method. Starlette \
             tries routes in declaration order and gives the request to the first match, even if that \
             route then rejects its parameters with a 422. This route is dead code for those methods. \
             An error, because it is always a mistake.",
            "@app.get(\"/users/{user_id}\")\ndef read_user(user_id: int): ...\n\n@app.get(\"/users/me\")\ndef read_me(): ...   # GET /users/me gets a 422 from read_user",
            "@app.get(\"/users/me\")\ndef read_me(): ...\n\n@app.get(\"/users/{user_id}\")\ndef read_user(user_id: int): ...",
        ),
        Code::ShadowedRoute => (
            "An earlier route matches some, but not all, of this route's paths: those requests go to the \
             earlier route. A warning, because some apps do this on purpose; the message names a path \
             that goes elsewhere.",
            "@app.get(\"/teams/{team}/members\")\n...\n@app.get(\"/teams/admins/{section}\")   # /teams/admins/members goes to the first",
            "Declare the more specific route first, or make the paths distinct.",
        ),
        Code::MissingPathParam => (
            "The path captures a parameter the handler does not declare. FastAPI silently drops the value, \
             which is almost always a typo.",
            "@app.get(\"/items/{item_id}\")\ndef read(id: int): ...",
            "@app.get(\"/items/{item_id}\")\ndef read(item_id: int): ...",
        ),
        Code::UnsupportedAnnotation => (
            "A parameter's annotation is not one turbo can classify statically (FastAPI decides from the \
             type whether a parameter comes from the URL, the headers or the body), or a type FastAPI \
             cannot read from where it is declared, or a union of form models. turbo knows builtins, \
             typing generics, datetime, uuid and decimal types, some pydantic types, UploadFile, and \
             models, dataclasses and enums of the module.",
            "from collections import OrderedDict\ndef read(data: OrderedDict): ...",
            "def read(data: dict[str, int]): ...   # or keep this route on uvicorn for now",
        ),
        Code::UnsupportedDefault => (
            "A parameter default is not a literal (a string, a number, True, False, None or a list of \
             them), so turbo cannot compile it, or it is given where FastAPI always passes an object \
             (`Request`, `Response`).",
            "def read(limit: int = DEFAULT_LIMIT): ...",
            "def read(limit: int = 10): ...",
        ),
        Code::UnsupportedParamKind => (
            "Positional-only parameters, *args and **kwargs cannot be filled by FastAPI.",
            "def read(item_id: int, /, **extra): ...",
            "def read(item_id: int): ...",
        ),
        Code::DefaultTypeMismatch => (
            "The default does not fit the annotation. FastAPI does not validate defaults, so the handler \
             would receive it as is (a str where an int was promised). `None` is always accepted.",
            "def read(limit: int = \"ten\"): ...",
            "def read(limit: int = 10): ...",
        ),
        Code::ConvertorTypeMismatch => (
            "The path convertor produces a value the annotation rejects or changes, so FastAPI answers \
             every request with a 422, or passes a converted value.",
            "@app.get(\"/items/{item_id:int}\")\ndef read(item_id: str): ...",
            "@app.get(\"/items/{item_id:int}\")\ndef read(item_id: int): ...",
        ),
        Code::UnsupportedReturnAnnotation => (
            "The handler is annotated to return an iterator or generator: FastAPI streams its items (JSON \
             Lines or server-sent events), which turbo does not implement yet.",
            "def read() -> Iterator[Item]: ...",
            "def read() -> list[Item]: ...",
        ),
        Code::ExtraDecorator => (
            "A route handler has another decorator. turbo cannot see what it does to the function's \
             signature or return value.",
            "@app.get(\"/items\")\n@functools.lru_cache\ndef items(): ...",
            "Move the logic into the handler, or into a helper it calls.",
        ),
        Code::UnsupportedParamOption => (
            "`Query()`, `Path()`, `Header()` or `Cookie()` is given an option turbo does not implement yet \
             (constraints such as gt or min_length, default_factory, validation aliases), or is used in a \
             way FastAPI refuses (a default inside `Annotated`, `Query()` for a path parameter). \
             default, alias, convert_underscores and documentation options are supported.",
            "def read(limit: int = Query(10, ge=1)): ...",
            "def read(limit: int = Query(10)): ...   # and check the bound in the handler",
        ),
        Code::UnsupportedDependency => (
            "A `Depends()` or `Security()` turbo cannot serve yet, or cannot find. turbo compiles \
             dependables of the project (in any module) and the `fastapi.security` classes: `def` and \
             `async def` functions, with or without `yield`; classes, called with their `__init__`; \
             instances of classes with a `__call__` (both looked up through the class's bases), with \
             their own parameters and dependencies to any depth. Lambdas, `functools.partial` and \
             callables from other packages are not followed.",
            "from other_package import current_user\n\n@app.get(\"/me\")\ndef me(user = Depends(current_user)): ...",
            "def current_user(token: str = Header()): ...   # in the project\n\n@app.get(\"/me\")\ndef me(user = Depends(current_user)): ...",
        ),
        Code::DependencyCycle => (
            "A dependency depends on itself, directly or through others. FastAPI would recurse until \
             Python's recursion limit when it builds the route.",
            "def a(x = Depends(b)): ...\ndef b(y = Depends(a)): ...",
            "Break the cycle: let one of them take the value it needs as a parameter.",
        ),
        Code::DependencyScope => (
            "A `yield` dependency whose exit code runs after the response is sent (scope \"request\", \
             the default) depends on one with scope=\"function\", whose exit code runs earlier. FastAPI \
             refuses the route when the app is built (`DependencyScopeError`).",
            "def get_db(): ...\n\ndef get_repo(db = Depends(get_db, scope=\"function\")):\n    yield Repo(db)",
            "Give both the same scope, or let the outer one have scope=\"function\".",
        ),
        Code::ConflictingParameter => (
            "Two parameters of one route, in the handler or in its dependencies, read the same value \
             of the request (the same query key, header, cookie, path parameter or body field) as \
             different types. FastAPI validates each on its own, so one request can satisfy one and \
             fail the other; it is almost always a mistake. `turbo build` serves it as FastAPI does \
             (a warning); `turbo check` fails on it.",
            "def pagination(limit: int = 10): ...\n\n@app.get(\"/items\")\ndef items(limit: str = \"10\", page = Depends(pagination)): ...",
            "Declare the value once, with one type, and pass it on: take it from the dependency's result.",
        ),
        Code::UnknownFastapiName => (
            "The module imports a name from fastapi that turbo's FastAPI-compatible package does not \
             provide yet. Inside a turbo server, `fastapi` is that package, so the import would fail.",
            "from fastapi import WebSocket",
            "Remove the import, or keep this app on uvicorn for now.",
        ),
        Code::UnsupportedModule => (
            "Starlette's own classes do not exist inside a turbo server.",
            "from starlette.exceptions import HTTPException",
            "from fastapi import HTTPException",
        ),
        Code::ApiDrift => (
            "`turbo check --locked routes.lock` found that the app's routes differ from the committed \
             manifest. Removed routes, changed parameter types or sources, new required parameters and \
             changed status codes break clients; additions do not, but still need the lock updated.",
            "turbo check app.py --locked routes.lock   # after renaming /items to /products",
            "If the change is intended: turbo routes app.py --format json > routes.lock",
        ),
    }
}

/// The explanation of a code, or `None` if no such code exists.
pub fn explain(id: &str) -> Option<String> {
    let code = Code::from_id(id)?;
    let (id, name) = code.info();
    let severity = match code.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let (what, example, fix) = entry(code);
    let indent = |text: &str| {
        text.lines()
            .map(|line| format!("    {line}\n"))
            .collect::<String>()
    };
    Some(format!(
        "{id} ({name}), {severity}\n\n{what}\n\nExample:\n\n{}\nFix:\n\n{}",
        indent(example),
        indent(fix)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_an_explanation_that_names_it() {
        for code in Code::ALL {
            let text = explain(code.id()).unwrap();
            assert!(text.starts_with(code.id()));
            assert!(text.contains("Example:") && text.contains("Fix:"));
            assert_eq!(explain(code.info().1), Some(text), "lookup by name");
        }
        assert_eq!(explain("TB999"), None);
    }
}
