"""ETags on what can change, ``If-Match`` on every change: two systems never overwrite each
other.

A resource's ETag is the SHA-256 of its JSON representation (a strong validator: it changes
whenever anything shown changes). A read sends it in ``ETag``; an update must send it back in
``If-Match``: without it the answer is 428 (``api.if_match_required``), with a stale one 412
(``api.etag_mismatch``), and nothing is changed.
"""

import hashlib

from flask import json, request

from . import problems

HEADER = {"ETag": {"description": "The resource's version; send it back in If-Match to "
                                  "change it.", "schema": {"type": "string"}}}
IF_MATCH = {"name": "If-Match", "in": "header", "required": True,
            "description": "The ETag of the resource as last read (428 without, 412 if it "
                           "changed since).", "schema": {"type": "string"}}


def etag_of(representation) -> str:
    """The quoted strong ETag of a resource's JSON representation."""
    text = json.dumps(representation, sort_keys=True, default=str)
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


class Precondition(Exception):
    """The update's ``If-Match`` is missing (428) or stale (412)."""

    def __init__(self, status: int, code: str):
        super().__init__(code)
        self.status, self.code = status, code

    def response(self):
        """The problem+json answer."""
        return problems.response(self.status, self.code)


def check_if_match(current: str) -> None:
    """Raise :class:`Precondition` unless ``If-Match`` names ``current`` (or ``*``)."""
    given = request.headers.get("If-Match", "").strip()
    if not given:
        raise Precondition(428, "api.if_match_required")
    tags = {tag.strip().removeprefix("W/") for tag in given.split(",")}
    if "*" not in tags and current not in tags:
        raise Precondition(412, "api.etag_mismatch")
