"""Starlette 1.10's `StaticFiles` (`fastapi.staticfiles`,
`starlette.staticfiles`), served by a turbo server.

`app.mount("/static", StaticFiles(...))` compiles to a route matching the
mount path and everything below it, for every method, whose endpoint is
the instance's `_turbo_serve` (`turbo-codegen/src/lower/mounts.rs`). It
answers as Starlette's `get_response` does: a `FileResponse` (which the
server sends from Rust, ranges and all), a 304 for a conditional request,
a directory's `index.html` in HTML mode (after a redirect to the URL with
a slash), `404.html`, or an `HTTPException` that the app's exception
handlers answer, as they do for a mounted `StaticFiles` under FastAPI.
The path lookup (a few `stat` calls) is blocking code, placed like any
`def` handler's.
"""

import errno
import importlib.util
import os
import stat
from email.utils import parsedate
from typing import Any, List, Optional, Tuple, Union
from urllib.parse import urlsplit, urlunsplit

from ._starlette_exceptions import HTTPException
from .datastructures import Headers
from .responses import FileResponse, RedirectResponse, Response

__all__ = ["StaticFiles"]

PathLike = Union[str, "os.PathLike[str]"]


class NotModifiedResponse(Response):
    NOT_MODIFIED_HEADERS = (
        "cache-control",
        "content-location",
        "date",
        "etag",
        "expires",
        "vary",
    )

    def __init__(self, headers: Headers):
        super().__init__(
            status_code=304,
            headers={name: value for name, value in headers.items() if name in self.NOT_MODIFIED_HEADERS},
        )


class StaticFiles:
    def __init__(
        self,
        *,
        directory: Optional[PathLike] = None,
        packages: Optional[List[Union[str, Tuple[str, str]]]] = None,
        html: bool = False,
        check_dir: bool = True,
        follow_symlink: bool = False,
    ) -> None:
        self.directory = directory
        self.packages = packages
        self.all_directories = self.get_directories(directory, packages)
        self.html = html
        self.config_checked = False
        self.follow_symlink = follow_symlink
        if check_dir and directory is not None and not os.path.isdir(directory):
            raise RuntimeError(f"Directory '{directory}' does not exist")

    def get_directories(
        self,
        directory: Optional[PathLike] = None,
        packages: Optional[List[Union[str, Tuple[str, str]]]] = None,
    ) -> List[PathLike]:
        """The directories files are served from: `directory`, then each
        package's `statics` directory (or the one named with it)."""
        directories = []
        if directory is not None:
            directories.append(directory)

        for package in packages or []:
            if isinstance(package, tuple):
                package, statics_dir = package
            else:
                statics_dir = "statics"
            spec = importlib.util.find_spec(package)
            assert spec is not None, f"Package {package!r} could not be found."
            assert spec.origin is not None, f"Package {package!r} could not be found."
            package_directory = os.path.normpath(os.path.join(spec.origin, "..", statics_dir))
            assert os.path.isdir(package_directory), (
                f"Directory '{statics_dir!r}' in package {package!r} could not be found."
            )
            directories.append(package_directory)

        return directories

    def _turbo_serve(self, request: Any, path: str) -> Response:
        """The mount's endpoint: Starlette's `__call__` for an HTTP request,
        `path` being the rest of the URL path below the mount (Starlette's
        `get_route_path` of the mounted scope, without its leading `/`)."""
        if not self.config_checked:
            self.check_config()
            self.config_checked = True
        return self.get_response(os.path.normpath(os.path.join(*("/" + path).split("/"))), request)

    def get_response(self, path: str, request: Any) -> Response:
        """Starlette's `get_response`, given the request rather than its scope."""
        if request.method not in ("GET", "HEAD"):
            raise HTTPException(status_code=405, headers={"Allow": "GET, HEAD"})

        try:
            full_path, stat_result = self.lookup_path(path)
        except PermissionError:
            raise HTTPException(status_code=401)
        except OSError as exc:
            # Filename is too long, so it can't be a valid static file.
            if exc.errno == errno.ENAMETOOLONG:
                raise HTTPException(status_code=404)

            raise exc
        except ValueError:
            # Null bytes or other invalid characters in the path.
            raise HTTPException(status_code=404)

        if stat_result and stat.S_ISREG(stat_result.st_mode):
            # We have a static file to serve.
            return self.file_response(full_path, stat_result, request)

        elif stat_result and stat.S_ISDIR(stat_result.st_mode) and self.html:
            # We're in HTML mode, and have got a directory URL.
            # Check if we have 'index.html' file to serve.
            index_path = os.path.join(path, "index.html")
            full_path, stat_result = self.lookup_path(index_path)
            if stat_result is not None and stat.S_ISREG(stat_result.st_mode):
                if not request.scope["path"].endswith("/"):
                    # Directory URLs should redirect to always end in "/".
                    parts = urlsplit(str(request.url))
                    return RedirectResponse(url=urlunsplit(parts._replace(path=parts.path + "/")))
                return self.file_response(full_path, stat_result, request)

        if self.html:
            # Check for '404.html' if we're in HTML mode.
            full_path, stat_result = self.lookup_path("404.html")
            if stat_result and stat.S_ISREG(stat_result.st_mode):
                return FileResponse(full_path, stat_result=stat_result, status_code=404)
        raise HTTPException(status_code=404)

    def lookup_path(self, path: str) -> Tuple[str, Optional[os.stat_result]]:
        # Reject absolute paths so they cannot escape the served directory.
        if path.startswith(("/", "\\")):
            return "", None
        for directory in self.all_directories:
            joined_path = os.path.join(directory, path)
            if self.follow_symlink:
                full_path = os.path.abspath(joined_path)
                directory = os.path.abspath(directory)
            else:
                full_path = os.path.realpath(joined_path)
                directory = os.path.realpath(directory)
            if os.path.commonpath([full_path, directory]) != str(directory):
                # Don't allow misbehaving clients to break out of the static files directory.
                continue
            try:
                return full_path, os.stat(full_path)
            except (FileNotFoundError, NotADirectoryError):
                continue
        return "", None

    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        request: Any,
        status_code: int = 200,
    ) -> Response:
        response = FileResponse(full_path, status_code=status_code, stat_result=stat_result)
        if self.is_not_modified(response.headers, request.headers):
            return NotModifiedResponse(response.headers)
        return response

    def check_config(self) -> None:
        """Starlette's one-off check that the directory is one, so that a
        misconfiguration is a loud error rather than 404s."""
        if self.directory is None:
            return

        try:
            stat_result = os.stat(self.directory)
        except FileNotFoundError:
            raise RuntimeError(f"StaticFiles directory '{self.directory}' does not exist.")
        if not (stat.S_ISDIR(stat_result.st_mode) or stat.S_ISLNK(stat_result.st_mode)):
            raise RuntimeError(f"StaticFiles path '{self.directory}' is not a directory.")

    def is_not_modified(self, response_headers: Headers, request_headers: Headers) -> bool:
        """`True` if a "Not Modified" response can be returned instead."""
        if if_none_match := request_headers.get("if-none-match"):
            if if_none_match.strip() == "*":
                return True
            # The "etag" header is added by FileResponse, so it's always present.
            etag = response_headers["etag"]
            return etag in [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]

        try:
            if_modified_since = parsedate(request_headers["if-modified-since"])
            last_modified = parsedate(response_headers["last-modified"])
            if if_modified_since is not None and last_modified is not None and if_modified_since >= last_modified:
                return True
        except KeyError:
            pass

        return False
