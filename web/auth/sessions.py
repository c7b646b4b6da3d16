"""Server-side sign-in sessions: a sign-out, a deactivation or a changed password ends them.

Flask keeps its session in a signed cookie, which anyone holding a copy could replay until it
expires. Here the cookie carries only a random token naming a :class:`UserSession` row, and the
row decides: it ends at sign-out (wherever the cookie was copied), after
``SESSION_IDLE_MINUTES`` without a request, ``SESSION_MAX_HOURS`` after sign-in, when the
account is deactivated, and when the password, roles or territories it was granted on change.
Flask-Login's "remember me" cookie is never set, and a stray one cannot revive a session: the
user loader accepts nobody without a live row.
"""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from flask import current_app, session
from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from engine.core import clock

from ..extensions import db
from ..i18n import CHOSEN, LANGUAGES
from .models import User, UserSession

TOKEN_KEY = "acompana_session"
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most once a minute
KEEP_ENDED = timedelta(days=30)  # how long a dead session stays for a look at who was in
log = logging.getLogger("acompana.auth")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def credentials_of(user: User) -> str:
    """A digest of what a session is granted on: password, roles, territories, active."""
    roles = ",".join(sorted(user.role_set))
    territories = ",".join(str(t) for t in sorted(user.territory_ids))
    granted = f"{user.password_hash}|{roles}|{territories}|{bool(user.active)}"
    if user.territory_roles:  # roles per territory: a role moved from one to another counts
        granted += "|" + ",".join(f"{t}:{r}" for t, r in user.role_pairs)
    return _digest(granted)


def begin(user: User) -> None:
    """Open a session for ``user`` and put its token in the (signed) cookie."""
    now = clock.now()
    chosen = session.get(CHOSEN)  # a language chosen on the sign-in page becomes the person's
    if user.locale is None and chosen in LANGUAGES:
        user.locale = chosen
    token = secrets.token_urlsafe(32)
    _forget_old(user, now)
    db.session.add(UserSession(id=_digest(token), user_id=user.id, credentials=credentials_of(user),
                               created_at=now, last_seen_at=now))
    db.session.commit()
    session.clear()  # nothing from before the sign-in survives it (session fixation)
    session[TOKEN_KEY] = token
    session.permanent = True


def _forget_old(user: User, now: datetime) -> None:
    """Drop ``user``'s sessions older than the absolute lifetime: they can never be used."""
    oldest = now - timedelta(hours=current_app.config["SESSION_MAX_HOURS"]) - KEEP_ENDED
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id,
                                                 UserSession.created_at < oldest))


def end_current(why: str) -> None:
    """End the session this request belongs to."""
    token = session.pop(TOKEN_KEY, None)
    row = db.session.get(UserSession, _digest(token)) if isinstance(token, str) else None
    if row is not None and row.ended_at is None:
        row.ended_at, row.ended_why = clock.now(), why
        db.session.commit()


def end_all(user: User, why: str) -> int:
    """End every open session of ``user``; how many were open."""
    result = db.session.execute(
        update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=clock.now(), ended_why=why))
    db.session.commit()
    return result.rowcount


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the person, if this request's session is still alive."""
    token = session.get(TOKEN_KEY)
    row, user = _session_and_person(token) if isinstance(token, str) else (None, None)
    if row is None or row.ended_at is not None or str(row.user_id) != str(user_id):
        return None
    now = clock.now()
    why = _why_it_ends(row, user, now)
    if why:
        row.ended_at, row.ended_why = now, why
        db.session.commit()
        session.pop(TOKEN_KEY, None)
        log.info("session of %s ended: %s", user.username if user else user_id, why)
        return None
    if now - clock.as_utc(row.last_seen_at) >= TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    return user


def _session_and_person(token: str) -> tuple[UserSession | None, User | None]:
    """The session row of ``token`` and its person with their territories and roles, read in
    one statement (every request asks)."""
    query = (select(UserSession, User).outerjoin(User, User.id == UserSession.user_id)
             .where(UserSession.id == _digest(token))
             .options(joinedload(User.territories), joinedload(User.territory_roles)))
    found = db.session.execute(query).unique().first()
    return (found[0], found[1]) if found else (None, None)


def _why_it_ends(row: UserSession, user: User | None, now: datetime) -> str | None:
    config = current_app.config
    if user is None or not user.active:
        return "deactivated"
    if credentials_of(user) != row.credentials:
        return "credentials"
    if now - clock.as_utc(row.last_seen_at) > timedelta(minutes=config["SESSION_IDLE_MINUTES"]):
        return "idle"
    if now - clock.as_utc(row.created_at) > timedelta(hours=config["SESSION_MAX_HOURS"]):
        return "expired"
    return None
