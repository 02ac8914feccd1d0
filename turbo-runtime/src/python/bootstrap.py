"""Start-up of a turbo server's Python side; run once, before the first request.

It installs the ``turboapi`` package embedded in the binary (also under the
name ``fastapi``), imports the user's app module and returns the handler
functions its route decorators recorded, in declaration order. Nothing here
runs per request.
"""

import importlib
import importlib.abc
import importlib.util
import os
import site
import sys


class EmbeddedPackage(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports modules from source text compiled into the server binary."""

    def __init__(self, sources):
        self.sources = {name: (is_package, text) for name, is_package, text in sources}

    def find_spec(self, fullname, path=None, target=None):
        entry = self.sources.get(fullname)
        if entry is None:
            return None
        origin = "<turbo>/" + fullname.replace(".", "/") + ("/__init__.py" if entry[0] else ".py")
        return importlib.util.spec_from_loader(fullname, self, origin=origin, is_package=entry[0])

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        _, text = self.sources[module.__name__]
        exec(compile(text, module.__spec__.origin, "exec"), module.__dict__)


class FastapiAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``fastapi`` and ``fastapi.<name>``: the same module objects as
    ``turboapi`` and ``turboapi.<name>``, each imported on first use (the
    OpenAPI machinery alone takes ~100 ms to import, and an app that never
    imports ``fastapi.security`` should not pay for it)."""

    def __init__(self, sources):
        self.sources = sources

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "fastapi" and not fullname.startswith("fastapi."):
            return None
        provided = "turboapi" + fullname[len("fastapi"):]
        if provided not in self.sources or provided.startswith("turboapi._"):
            return None
        return importlib.util.spec_from_loader(fullname, self, is_package=self.sources[provided][0])

    def create_module(self, spec):
        return importlib.import_module("turboapi" + spec.name[len("fastapi"):])

    def exec_module(self, module):
        pass


def install_package(sources, starlette_modules):
    """Makes ``turboapi`` and ``fastapi`` (and their submodules) the embedded
    package, and ``starlette.<name>`` the package's module for each
    ``(name, module)`` of ``starlette_modules``: an app's Starlette imports
    get the same classes the server uses."""
    finder = EmbeddedPackage(sources)
    sys.meta_path.insert(0, finder)
    sys.meta_path.insert(0, FastapiAlias(finder.sources))
    importlib.import_module("turboapi")
    import types

    starlette = types.ModuleType("starlette", "Starlette's modules, as turbo provides them.")
    starlette.__path__ = []
    sys.modules["starlette"] = starlette
    for name, provided_by in starlette_modules:
        module = importlib.import_module(provided_by)
        sys.modules["starlette." + name] = module
        setattr(starlette, name, module)
    return sys.modules["turboapi"]


def load_app(app_dir, module_name, app_variable, factory, site_dirs):
    """Imports the entry module (and calls the factory `app_variable` if
    `factory`, as uvicorn's --factory does); returns the app object and the
    routes it registered, in FastAPI's matching order, as (methods, path,
    endpoint, is coroutine function, endpoint module, endpoint qualname,
    options, the app serving it, the path that app is mounted at)."""
    for directory in site_dirs:
        if directory and directory not in sys.path and os.path.isdir(directory):
            site.addsitedir(directory)
    sys.path.insert(0, app_dir)
    module = importlib.import_module(module_name)
    app = getattr(module, app_variable, None)
    if factory and callable(app):
        app = app()
    if not hasattr(app, "_turbo_exception_handlers"):
        raise TypeError(
            f"{module_name}.{app_variable} is {type(app).__name__}, not a FastAPI/TurboAPI app "
            "created from the turboapi package"
        )
    import inspect

    from turboapi import _plans
    from turboapi.routing import effective_routes

    # `request.app` (the scope's "app", as Starlette sets it).
    _plans.APP = app

    return app, [
        (
            list(route.methods),
            route.path,
            route.endpoint,
            inspect.iscoroutinefunction(route.endpoint),
            getattr(route.endpoint, "__module__", None),
            getattr(route.endpoint, "__qualname__", None),
            route.options,
            route.app,
            route.mount,
        )
        for route in effective_routes(app)
    ]
