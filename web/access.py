"""Who is asking: the signed-in person as an engine actor, and what they may open.

What a person may do is the engine's access policy (engine.policy); pages ask it through
:func:`require`. Every refusal is logged with the person and the path, so a supervisor can
audit probing.
"""

import logging

from flask import abort, g, request
from flask_login import current_user

import engine

from .extensions import db
from .redirects import safe_next  # noqa: F401 - the one place redirects are checked

log = logging.getLogger("acompana.access")


def actor() -> engine.Actor:
    """The signed-in person as the engine sees them."""
    return current_user.actor()


def log_refusal(status: int, reason: str) -> None:
    """Record who was refused what, and why (an API client by its name)."""
    client = g.get("api_client_name")
    who = f"api client {client}" if client else getattr(current_user, "username", "anonymous")
    log.warning("%s %s refused (%s) for %s: %s", request.method, request.path, status, who,
                reason)


def refuse(status: int, reason: str):
    """Log and abort with 404 (not yours to see) or 403 (yours to see, not to do)."""
    log_refusal(status, reason)
    abort(status)


def require(action: str, thing: object = None) -> None:
    """404 or 403 (logged by the error handler) unless the signed-in person may do
    ``action`` to ``thing`` (engine.policy)."""
    engine.policy.require(db.session, actor(), action, thing)


def may(action: str, thing: object = None) -> bool:
    """Whether the signed-in person may do ``action`` to ``thing`` (engine.policy)."""
    return engine.policy.may(db.session, actor(), action, thing)
