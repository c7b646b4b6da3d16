"""API clients and their tokens: create (the token is shown once, only its hash is kept),
list (with last use) and revoke. The command line (``flask tokens``) and the administration
page (/admin/api-clients) both use these; every problem is an :class:`InvalidInput` naming its
field, and nothing is written when there is one."""

import re
import secrets
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

import engine
from engine import FieldError, policy
from engine.core import inputs
from engine.core.errors import InvalidInput, NotFound
from engine.persistence.models import Territory

from .auth import token_hash
from .models import ApiClient

TOKEN_PREFIX = "acp_"
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
COMMAND = "create_api_client"


def new_token() -> str:
    """A fresh high-entropy token (256 bits of ``secrets``)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _name_errors(session: Session, name: str) -> list[FieldError]:
    if not name:
        return [FieldError("name", "required", "Este campo es obligatorio.")]
    if not NAME.match(name):
        return [FieldError("name", "pattern", "Use minúsculas, cifras, punto, guion.")]
    if session.scalar(select(ApiClient.id).where(ApiClient.name == name)) is not None:
        return [FieldError("name", "duplicate", "Ya existe un cliente con este nombre.")]
    return []


def _territory_errors(session: Session, codes: list[str], actor: engine.Actor) -> list:
    if not codes:
        return [FieldError("territories", "minItems", "Elija al menos un territorio.", 1)]
    rows = {t.code: t for t in session.scalars(select(Territory).where(
        Territory.code.in_(codes)))}
    known = sorted(rows)
    for code in codes:
        row = rows.get(code)
        if row is None or not policy.may(session, actor, policy.ADMINISTER_TERRITORY, row):
            return [FieldError("territories", "enum", f"{code}: no es un territorio suyo.",
                               known)]
    return []


def _role_errors(roles: list[str]) -> list[FieldError]:
    if not roles:
        return [FieldError("roles", "minItems", "Elija al menos un rol.", 1)]
    unknown = [r for r in roles if r not in policy.ROLES]
    if unknown:
        return [FieldError("roles", "enum", f"{unknown[0]}: no es un rol.", list(policy.ROLES))]
    return []


def _expiry_errors(expires_at: datetime | None, now: datetime) -> list[FieldError]:
    if expires_at is not None and expires_at <= now:
        return [FieldError("expires", "minimum", "La fecha ya pasó.", now.date().isoformat())]
    return []


def create_client(session: Session, name: str, territories: list[str], roles: list[str],
                  expires_at: datetime | None, actor: engine.Actor) -> tuple[ApiClient, str]:
    """A new client acting with ``roles`` in ``territories`` (codes) until ``expires_at``
    (None: until revoked); return it and its token, which is never shown again. The caller
    commits."""
    now = datetime.now(UTC)
    name = (name or "").strip()
    territories = sorted(dict.fromkeys(t.strip() for t in territories if t and t.strip()))
    roles = sorted(dict.fromkeys(r.strip() for r in roles if r and r.strip()))
    errors = inputs.character_errors({"name": name, "territories": territories,
                                      "roles": roles})
    errors = errors or (_name_errors(session, name) + _territory_errors(session, territories,
                                                                        actor)
                        + _role_errors(roles) + _expiry_errors(expires_at, now))
    if errors:
        raise InvalidInput(COMMAND, errors)
    token = new_token()
    client = ApiClient(name=name, token_hash=token_hash(token), prefix=token[:10],
                       territories=territories, roles=roles, created_at=now,
                       created_by=actor.id, expires_at=expires_at)
    session.add(client)
    session.flush()
    return client, token


def clients(session: Session, actor: engine.Actor) -> list[ApiClient]:
    """The clients ``actor`` administers (all of them for the command line), by name."""
    rows = session.scalars(select(ApiClient).order_by(ApiClient.name)).all()
    if actor.territories is None:
        return list(rows)
    return [c for c in rows if _administers(session, actor, c)]


def _administers(session: Session, actor: engine.Actor, client: ApiClient) -> bool:
    rows = session.scalars(select(Territory).where(
        Territory.code.in_(list(client.territories or [])))).all()
    return bool(rows) and all(
        policy.may(session, actor, policy.ADMINISTER_TERRITORY, t) for t in rows)


def revoke(session: Session, name: str, actor: engine.Actor) -> ApiClient:
    """Refuse the client's token from now on (it stays listed, revoked). The caller
    commits."""
    client = session.scalars(select(ApiClient).where(ApiClient.name == name)).first()
    if client is None or (actor.territories is not None
                          and not _administers(session, actor, client)):
        raise NotFound(f"no API client {name!r}", code="api_client.not_found", client=name)
    if client.revoked_at is None:
        client.revoked_at = datetime.now(UTC)
    return client


def state(client: ApiClient, now: datetime | None = None) -> str:
    """``active``, ``expired`` or ``revoked``."""
    now = now or datetime.now(UTC)
    if client.revoked_at is not None:
        return "revoked"
    if client.expires_at is not None and client.expires_at <= now:
        return "expired"
    return "active"
