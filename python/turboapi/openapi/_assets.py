"""Where the documentation pages load Swagger UI and ReDoc from.

By default from FastAPI's CDN URLs, so the pages are byte-identical to
FastAPI's. A server started with `--docs-assets bundled` serves the files
from its own binary instead (for networks that cannot reach a CDN) and sets
the URL path they are served under here at start-up (`serve_from`).
"""

from typing import Any, Dict, Optional

#: The URL path of the server's own copies, or `None` for the CDN.
_bundled_at: Optional[str] = None


def serve_from(path: Optional[str]) -> None:
    """Called by the server at start-up: the pages load the assets from `path`."""
    global _bundled_at
    _bundled_at = path


def swagger_ui_urls() -> Dict[str, Any]:
    """`get_swagger_ui_html`'s asset options (none: FastAPI's defaults)."""
    if _bundled_at is None:
        return {}
    return {
        "swagger_js_url": f"{_bundled_at}/swagger-ui-bundle.js",
        "swagger_css_url": f"{_bundled_at}/swagger-ui.css",
        "swagger_favicon_url": f"{_bundled_at}/favicon.png",
    }


def redoc_urls() -> Dict[str, Any]:
    """`get_redoc_html`'s asset options; no Google Fonts from the binary's pages."""
    if _bundled_at is None:
        return {}
    return {
        "redoc_js_url": f"{_bundled_at}/redoc.standalone.js",
        "redoc_favicon_url": f"{_bundled_at}/favicon.png",
        "with_google_fonts": False,
    }
