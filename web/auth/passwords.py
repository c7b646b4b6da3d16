"""Password hashing with Argon2 (argon2-cffi's recommended parameters).

An app created with ``TESTING=True`` hashes with Argon2's cheapest cost instead (a test suite
signs people in thousands of times); ``PASSWORD_HASH_QUICK`` overrides that choice either way.
Outside an app context the strong parameters are used. Verifying reads the parameters from the
stored hash, so a hash made either way verifies anywhere.
"""

from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, has_app_context


class Hashing:
    """One set of Argon2 parameters, and a hash of a made-up password made with them."""

    def __init__(self, hasher: PasswordHasher):
        self.hasher = hasher

    @cached_property
    def dummy_hash(self) -> str:
        """What an unknown account is checked against, so refusing it costs the same."""
        return self.hasher.hash("not-a-real-password")


STRONG = Hashing(PasswordHasher())
QUICK = Hashing(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))  # tests only
_EXTENSION = "acompana.passwords"


def init_app(app: Flask) -> None:
    """Choose the app's hashing: strong, unless it is a test app (``PASSWORD_HASH_QUICK``)."""
    chosen = QUICK if app.config.get("PASSWORD_HASH_QUICK", app.testing) else STRONG
    chosen.dummy_hash  # noqa: B018 - made now, so no sign-in pays for it
    app.extensions[_EXTENSION] = chosen


def hashing() -> Hashing:
    """The current app's hashing (the strong one outside an app)."""
    return current_app.extensions.get(_EXTENSION, STRONG) if has_app_context() else STRONG


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``."""
    return hashing().hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``."""
    try:
        return hashing().hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with other parameters than the app's and should be replaced."""
    return hashing().hasher.check_needs_rehash(stored_hash)
