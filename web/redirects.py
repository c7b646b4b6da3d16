"""Where a form may send the person afterwards: only paths on this site.

``next`` values come from the request, so anyone can craft a link that would send a signed-in
person elsewhere (``//evil.example/``, ``/%09/evil.example/``, ``/\\evil.example``). Browsers
drop tabs and newlines and read a backslash as a slash, so a value is followed only when it is
a plain path that starts with exactly one ``/`` both as given and after percent-decoding.
"""

import re
from urllib.parse import unquote, urlsplit

from flask import url_for

MAX_LENGTH = 2000
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\\]")  # control characters (tab, CR, LF…), backslash
_DECODE_ROUNDS = 3


def _plain_path(value: str) -> bool:
    """Whether ``value`` is a path on this site with nothing a browser would reinterpret."""
    if not value.startswith("/") or value.startswith("//") or _FORBIDDEN.search(value):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc


def is_safe_path(value: str | None) -> bool:
    """Whether ``value`` is a same-site path, as given and after every layer of decoding."""
    if not isinstance(value, str) or not value or len(value) > MAX_LENGTH:
        return False
    for _ in range(_DECODE_ROUNDS):
        if not _plain_path(value):
            return False
        decoded = unquote(value)
        if decoded == value:
            return True
        value = decoded
    return False  # still encoded after several rounds: nobody needs that


def safe_next(value: str | None, fallback: str | None = None) -> str:
    """``value`` if it is a same-site path, else ``fallback`` (default: the inbox)."""
    if is_safe_path(value):
        return value
    return fallback or url_for("inbox.index")
