"""Time-limited signed download URLs for resources, verifiable without the API headers.

The signature is an HMAC-SHA256 over the resource id and the expiry, keyed by a random secret
stored in the database, so URLs stay valid across a restart on the same ``--db`` file.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from enum import Enum
from urllib.parse import quote, urlencode


class Verdict(Enum):
    """The result of checking a download URL's signature."""

    VALID = "valid"
    EXPIRED = "expired"
    INVALID = "invalid"


def new_signing_key() -> str:
    """A fresh random key, hex encoded."""
    return secrets.token_hex(32)


def signature(key: str, resource_id: int, expires: int) -> str:
    """The hex HMAC of one resource id and expiry."""
    message = f"{resource_id}:{expires}".encode()
    return hmac.new(bytes.fromhex(key), message, hashlib.sha256).hexdigest()


def signed_url(
    base_url: str, key: str, resource_id: int, *, now: float, ttl: float, name: str = ""
) -> str:
    """``<base>/resources/<id>/<name>?expires=<unix>&signature=<hex>``, valid for ``ttl`` seconds.

    Like an S3 pre-signed URL, the path ends with the file name; only the id is looked up and
    signed, so the name is there for clients that name a download after its URL."""
    expires = math.ceil(now + ttl)
    query = urlencode({"expires": expires, "signature": signature(key, resource_id, expires)})
    suffix = f"/{quote(name, safe='')}" if name else ""
    return f"{base_url.rstrip('/')}/resources/{resource_id}{suffix}?{query}"


def verify(
    key: str, resource_id: int, expires: str | None, given: str | None, *, now: float
) -> Verdict:
    """Check a URL's expiry and signature in constant time."""
    if expires is None or given is None or not (expires.isascii() and expires.isdigit()):
        return Verdict.INVALID
    expected = signature(key, resource_id, int(expires))
    if not hmac.compare_digest(expected.encode(), given.encode()):
        return Verdict.INVALID
    return Verdict.EXPIRED if int(expires) < now else Verdict.VALID
