"""Downloads from pre-signed URLs: the storage's errors, completeness, and where bytes go.

The URL points at object storage (S3 or the like), not at the API: its errors are the
storage's (`StorageError`, with S3's `<Code>` and `<Message>`), and a destination that cannot be
written is a `DestinationError`, never a bare OSError.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from ._artifacts import atomic_file, target_path
from ._exceptions import DestinationError, StorageError, TransportError

__all__ = [
    "MemorySink",
    "check_complete",
    "destination",
    "file_sink",
    "storage_error",
    "storage_host",
]

Write = Callable[[bytes], object]

_EXCERPT = 8192
_EXPIRED_CODE = "expiredtoken"  # S3's and GCS's; S3 says AccessDenied "Request has expired" too


def _xml_field(text: str, name: str) -> str | None:
    """The text of the first `<name>` element of an error body. A pattern rather than an XML
    parser: the body is untrusted, and entities are never expanded beyond the predefined ones."""
    match = re.search(rf"<{name}>([^<]{{1,1000}})</{name}>", text)
    value = " ".join(html.unescape(match.group(1)).split()) if match else ""
    return value or None


def _json_message(text: str) -> str | None:
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if isinstance(body, dict):
        for key in ("message", "error", "Message"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return " ".join(value.split())
    return None


def storage_error(response: httpx.Response, *, operation: str, secret: str) -> StorageError:
    """The typed error for a non-2xx answer from a download URL, with what the storage said."""
    try:
        text = response.content[:_EXCERPT].decode("utf-8", errors="replace")
    except httpx.ResponseNotRead:
        text = ""
    code = _xml_field(text, "Code")
    said = _xml_field(text, "Message") or _json_message(text)
    if code is None and said is None and text.strip() and "<" not in text:
        said = " ".join(text.split())[:200]
    if secret:
        code = code.replace(secret, "**********") if code else code
        said = said.replace(secret, "**********") if said else said
    status = response.status_code
    expired = status in (400, 401, 403) and (
        (code or "").lower() == _EXPIRED_CODE or "expired" in (said or "").lower()
    )
    detail = ": ".join(part for part in (code, said) if part)
    message = f"{operation}: the storage behind the download URL answered HTTP {status}" + (
        f" ({detail})" if detail else f" {response.reason_phrase}".rstrip()
    )
    return StorageError(
        message,
        status_code=status,
        code=code,
        storage_message=said,
        expired=expired,
        body=text.replace(secret, "**********") if secret else text,
        headers=dict(response.headers),
        operation=operation,
    )


def storage_host(url: str) -> str:
    """The server of a download URL, for messages: never the URL itself, whose query string is
    what authorises the download."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "the download URL's server"


def _identity(content_encoding: str) -> bool:
    return all(token.strip().lower() in ("", "identity") for token in content_encoding.split(","))


def check_complete(
    response: httpx.Response, operation: str, *, decoded: int, preloaded: bool
) -> None:
    """Fails a download whose body is shorter or longer than its Content-Length announced.

    Content-Length counts the bytes as sent (compressed, under a Content-Encoding): a streamed
    body is checked by the bytes read off the wire. A body the HTTP library already held in
    memory (`preloaded`, as mocks answer) has no wire count: it is checked by its length when it
    was not compressed, and is whole otherwise (the library read all of it)."""
    announced = response.headers.get("content-length", "").strip()
    if not announced.isdigit():
        return
    if not preloaded:
        received = response.num_bytes_downloaded
    elif _identity(response.headers.get("content-encoding", "")):
        received = decoded
    else:
        return
    if received != int(announced):
        raise TransportError(
            f"{operation}: received {received} of {announced} bytes", operation=operation
        )


def _destination_error(dest: Path, exc: OSError) -> DestinationError:
    reason = exc.strerror or str(exc) or type(exc).__name__
    failed = Path(os.fsdecode(exc.filename)) if exc.filename else None
    if failed is not None and failed != dest and failed in dest.parents:
        reason += f" ({failed})"
    return DestinationError(str(dest), reason, exc.errno)


def destination(dest: str | os.PathLike[str], url: str) -> Path:
    """The file a download writes (see `target_path`); a path that cannot even be looked at is a
    `DestinationError`."""
    try:
        return target_path(dest, url)
    except OSError as exc:
        raise _destination_error(Path(dest), exc) from exc


@contextlib.contextmanager
def file_sink(dest: Path) -> Iterator[Write]:
    """Writes to `dest` atomically (`atomic_file`). Failing to create, write or rename the file
    is a `DestinationError`; what the block itself raises passes through unchanged."""
    from_block: BaseException | None = None
    try:
        with atomic_file(dest) as handle:

            def write(chunk: bytes) -> None:
                try:
                    handle.write(chunk)
                except OSError as exc:
                    raise _destination_error(dest, exc) from exc

            try:
                yield write
            except BaseException as exc:
                from_block = exc
                raise
    except OSError as exc:
        if exc is from_block:
            raise
        raise _destination_error(dest, exc) from exc


class MemorySink:
    """Collects a download in memory; each attempt starts empty."""

    def __init__(self) -> None:
        self.content = b""

    @contextlib.contextmanager
    def open(self) -> Iterator[Write]:
        buffer = io.BytesIO()
        yield buffer.write
        self.content = buffer.getvalue()
