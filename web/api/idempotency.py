"""``Idempotency-Key`` on creates: a retried request never opens a case twice.

A create sent with the header is answered once; the answer (status, body, Location) is kept
in ``api_idempotency`` in the same transaction as what it created, so a retry with the same
key and the same body gets the same answer (and ``Idempotent-Replayed: true``) whether the
first one finished, failed midway (nothing kept, it runs again) or is racing it (the unique
key lets one commit; the other rolls back and replays it). The same key with a different
body is refused (422, ``api.idempotency_reused``). Keys are per caller and kept
``API_IDEMPOTENCY_HOURS`` (24 unless configured): a caller's older answers are forgotten as it
sends new keys.
"""

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import current_app, json, request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from engine import unit_of_work

from ..extensions import db
from . import problems
from .auth import resolve
from .models import IdempotentRequest

MAX_KEY = 200
HEADER = {"name": "Idempotency-Key", "in": "header", "required": False,
          "description": "A unique key per create (a UUID): a retry with the same key and "
                         "body gets the first answer instead of a second create.",
          "schema": {"type": "string", "maxLength": MAX_KEY}}


def _request_hash() -> str:
    body = request.get_data() or b""
    return hashlib.sha256(request.method.encode() + request.path.encode() + b"\0" + body
                          ).hexdigest()


def _since() -> datetime:
    hours = current_app.config.get("API_IDEMPOTENCY_HOURS", 24)
    return datetime.now(UTC) - timedelta(hours=hours)


def _stored(caller: str, key: str) -> IdempotentRequest | None:
    return db.session.scalars(select(IdempotentRequest).where(
        IdempotentRequest.caller == caller, IdempotentRequest.key == key,
        IdempotentRequest.created_at >= _since())).first()


def _forget_old(caller: str) -> None:
    """Drop the caller's answers older than the window (with the new one's transaction)."""
    db.session.execute(delete(IdempotentRequest).where(
        IdempotentRequest.caller == caller, IdempotentRequest.created_at < _since()))


def _replay(row: IdempotentRequest, digest: str):
    if row.request_hash != digest:
        return problems.response(422, "api.idempotency_reused",
                                 errors={"Idempotency-Key": [str(problems.DETAILS[
                                     "api.idempotency_reused"])]})
    headers = {"Idempotent-Replayed": "true"}
    if row.location:
        headers["Location"] = row.location
    return current_app.response_class(row.body, status=row.status, headers=headers,
                                      mimetype="application/json")


def create_once(work: Callable[[], tuple[dict, str]], status: int = 201):
    """Run ``work`` (which calls the engine and returns the created thing's JSON and its
    location) in one unit of work, at most once per ``Idempotency-Key``; return the
    response."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > MAX_KEY:
        return problems.response(422, "api.invalid_data", errors={
            "Idempotency-Key": [f"≤ {MAX_KEY}"]})
    caller, digest = resolve().key, _request_hash()
    if key:
        row = _stored(caller, key)
        if row is not None:
            return _replay(row, digest)
    try:
        with unit_of_work(db.session):
            body, location = work()
            text = json.dumps(body)
            if key:
                _forget_old(caller)
                db.session.add(IdempotentRequest(
                    caller=caller, key=key, request_hash=digest, status=status, body=text,
                    location=location, created_at=datetime.now(UTC)))
    except IntegrityError:
        db.session.rollback()
        row = _stored(caller, key) if key else None
        if row is None:
            raise
        return _replay(row, digest)
    return current_app.response_class(text, status=status, headers={"Location": location},
                                      mimetype="application/json")
