"""Who calls the API: a machine client by its bearer token, or a person by their session.

``Authorization: Bearer <token>`` names an :class:`~web.api.models.ApiClient`: it acts as an
engine :class:`~engine.Actor` (``api:<name>``) with the client's roles in the client's
territories, so the engine's one access policy decides what it may see and do, exactly as
for a person. Without a token, the signed-in person's session works too; then every write
must carry the page's CSRF token in ``X-CSRFToken``. A missing, unknown, revoked or expired
token answers 401 (problem+json) and is logged like every refusal.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import g, request
from flask_login import current_user
from flask_wtf.csrf import ValidationError, validate_csrf
from sqlalchemy import select

import engine
from engine.persistence.models import Territory

from ..extensions import db
from . import problems
from .models import ApiClient

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CLIENT_PREFIX = "api:"
LAST_USE_EVERY = timedelta(minutes=1)  # last use is written at most once a minute per client


@dataclass(frozen=True)
class Caller:
    """The resolved caller: its actor, a name for logs and limits, and the client row (None
    for a person's session)."""

    actor: engine.Actor
    name: str
    client_id: int | None = None
    client_key: str | None = None  # the start of its token's hash: unique, even across resets

    @property
    def key(self) -> str:
        """What rate limits and idempotency keys are counted by."""
        return f"client:{self.client_key}" if self.client_key else f"user:{self.actor.id}"


class Refused(Exception):
    """The request carries no usable identity (``code`` says why)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def token_hash(token: str) -> str:
    """How a token is kept: its SHA-256 (tokens are long and random, so no salt is needed)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def bearer_token() -> str | None:
    """The token of ``Authorization: Bearer …``, if the request has one."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def client_actor(client: ApiClient) -> engine.Actor:
    """The engine actor a client acts as: its roles in each of its territories."""
    ids = db.session.scalars(select(Territory.id).where(
        Territory.code.in_(list(client.territories or [])))).all()
    pairs = [(territory_id, role) for territory_id in ids for role in client.roles or []]
    if not pairs:
        return engine.Actor(CLIENT_PREFIX + client.name, frozenset(), frozenset())
    return engine.Actor.of_roles(CLIENT_PREFIX + client.name, pairs)


def _client_caller(token: str) -> Caller:
    client = db.session.scalars(select(ApiClient).where(
        ApiClient.token_hash == token_hash(token))).first()
    if client is None:
        raise Refused("api.unauthenticated")
    g.api_client_name = client.name
    now = datetime.now(UTC)
    if client.revoked_at is not None:
        raise Refused("api.token_revoked")
    if client.expires_at is not None and client.expires_at <= now:
        raise Refused("api.token_expired")
    if client.last_used_at is None or now - client.last_used_at >= LAST_USE_EVERY:
        client.last_used_at = now
        db.session.commit()
    return Caller(client_actor(client), CLIENT_PREFIX + client.name, client.id,
                  client.token_hash[:24])


def resolve() -> Caller:
    """The caller of the current request (cached on ``g``); :class:`Refused` if none."""
    cached = g.get("api_caller")
    if cached is not None:
        return cached
    token = bearer_token()
    if token is not None:
        caller = _client_caller(token)
    elif current_user.is_authenticated:
        caller = Caller(current_user.actor(), current_user.username)
    else:
        raise Refused("api.unauthenticated")
    g.api_caller = caller
    return caller


def current_actor() -> engine.Actor:
    """The engine actor of the current API request (token client or person)."""
    return resolve().actor


def caller_key() -> str:
    """The rate-limit key of the request: the client or person, else the address."""
    try:
        return resolve().key
    except Refused:
        return f"address:{request.remote_addr}"


def authenticate():
    """``before_request`` of every API blueprint: 401 without a caller, 400 for a session
    write without its CSRF token; None lets the view run."""
    try:
        resolve()
    except Refused as refused:
        _log(401, refused.code)
        return problems.response(401, refused.code,
                                 headers={"WWW-Authenticate": 'Bearer realm="acompana"'})
    if request.method in WRITES and bearer_token() is None:
        try:
            validate_csrf(request.headers.get("X-CSRFToken", ""))
        except ValidationError:
            _log(400, "api.csrf_missing")
            return problems.response(400, "api.csrf_missing")
    return None


def _log(status: int, reason: str) -> None:
    from ..access import log_refusal

    log_refusal(status, reason)
