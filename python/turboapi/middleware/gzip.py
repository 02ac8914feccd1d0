"""`GZipMiddleware`, served by the server in Rust
(`server/middleware/gzip.rs`) with Starlette 1.10's answers: its
constructor is Starlette's; the server reads the options at start-up
(`native_options`)."""

from typing import Any, Tuple

__all__ = ["GZipMiddleware"]

DEFAULT_EXCLUDED_CONTENT_TYPES = (
    "application/grpc",
    "application/gzip",
    "application/x-gzip",
    "application/zip",
    "audio/*",
    "font/woff",
    "font/woff2",
    "image/avif",
    "image/gif",
    "image/jpeg",
    "image/png",
    "image/webp",
    "text/event-stream",
    "video/*",
)


class GZipMiddleware:
    def __init__(
        self,
        app: Any,
        minimum_size: int = 500,
        compresslevel: int = 9,
        thread_minimum_size: int = 128 * 1024,
        *,
        exclude_content_types: Tuple[str, ...] = DEFAULT_EXCLUDED_CONTENT_TYPES,
    ) -> None:
        self.app = app
        self.minimum_size = minimum_size
        self.compresslevel = compresslevel
        self.thread_minimum_size = thread_minimum_size
        self.exclude_content_types = _normalize_content_types(exclude_content_types)

    def native_options(self) -> tuple:
        """(minimum size, compression level, size from which compression
        leaves the I/O thread, excluded media types)."""
        if not -1 <= self.compresslevel <= 9:
            raise ValueError(f"GZipMiddleware(compresslevel={self.compresslevel!r}): zlib takes -1 to 9")
        return (
            max(int(self.minimum_size), 0),
            int(self.compresslevel),
            max(int(self.thread_minimum_size), 0),
            list(self.exclude_content_types),
        )


def _normalize_content_types(content_types: Tuple[str, ...]) -> Tuple[str, ...]:
    return tuple(content_type.partition(";")[0].strip().lower() for content_type in content_types)
