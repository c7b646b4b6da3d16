"""Checking a sign-in attempt: one answer and one cost, whoever the account is."""

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import User
from .passwords import hash_password, hashing, needs_rehash, verify_password

log = logging.getLogger("acompana.auth")


class SignInRefused(Exception):
    """Unknown account, wrong password or inactive account: deliberately indistinguishable."""

    def __init__(self):
        super().__init__("invalid credentials")


def authenticate(session: Session, username: str, password: str) -> User:
    """The user these credentials belong to; raise :class:`SignInRefused` otherwise.

    Every refusal costs one Argon2 verification, so an unknown account takes as long to refuse
    as a known one. Throttling is :mod:`web.auth.throttle`'s job; nothing is ever locked here.
    """
    user = session.scalars(select(User).where(User.username == username.strip())).first()
    matches = verify_password(user.password_hash if user else hashing().dummy_hash, password)
    if user is None or not matches or not user.is_active:
        log.warning("sign-in failed for %r", username[:64])
        raise SignInRefused()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.commit()
    return user
