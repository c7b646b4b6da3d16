"""Who is asking: the signed-in person as an engine actor, and what they may open.

Every refusal is logged with the person and the path, so a supervisor can audit probing.
"""

import logging

from flask import abort, request
from flask_login import current_user

import engine

from .redirects import safe_next  # noqa: F401 - the one place redirects are checked

log = logging.getLogger("acompana.access")


def actor() -> engine.Actor:
    """The signed-in person as the engine sees them."""
    return current_user.actor()


def log_refusal(status: int, reason: str) -> None:
    """Record who was refused what, and why."""
    who = getattr(current_user, "username", "anonymous")
    log.warning("%s %s refused (%s) for %s: %s", request.method, request.path, status, who,
                reason)


def refuse(status: int, reason: str):
    """Log and abort with 404 (not yours to see) or 403 (yours to see, not to do)."""
    log_refusal(status, reason)
    abort(status)


def require_role(*roles: str) -> None:
    """403 unless the person has one of ``roles``."""
    if not current_user.role_set & set(roles):
        refuse(403, f"needs one of the roles {roles}")
