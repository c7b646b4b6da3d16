"""Checking a sign-in attempt, with a lock-out after repeated failures."""

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import User
from .passwords import hash_password, needs_rehash, verify_password

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
_DUMMY_HASH = hash_password("not-a-real-password")
log = logging.getLogger("acompana.auth")


class SignInRefused(Exception):
    """Wrong credentials, inactive account, or locked after too many failures."""

    def __init__(self, locked: bool = False):
        self.locked = locked
        super().__init__("locked" if locked else "invalid credentials")


def authenticate(session: Session, username: str, password: str, now: datetime) -> User:
    """The user these credentials belong to; raise :class:`SignInRefused` otherwise."""
    user = session.scalars(select(User).where(User.username == username.strip())).first()
    if user is None:
        verify_password(_DUMMY_HASH, password)  # same cost as a real check: no user probing
        log.warning("sign-in failed for unknown user %r", username)
        raise SignInRefused()
    if user.locked_until and user.locked_until > now:
        log.warning("sign-in refused for locked user %s", user.username)
        raise SignInRefused(locked=True)
    if not user.is_active or not verify_password(user.password_hash, password):
        _failed(session, user, now)
    user.failed_logins, user.locked_until = 0, None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.commit()
    return user


def _failed(session: Session, user: User, now: datetime) -> None:
    user.failed_logins += 1
    locked = user.failed_logins >= MAX_FAILURES
    if locked:
        user.locked_until, user.failed_logins = now + LOCKOUT, 0
    session.commit()
    log.warning("sign-in failed for %s%s", user.username, " (now locked)" if locked else "")
    raise SignInRefused(locked=locked)
