"""Rate limits per API client (Flask-Limiter): each token client, and each person using the
API with their session, has its own budget (``API_RATE_LIMIT``, e.g. ``"600 per minute"``),
counted in Redis when ``REDIS_URL`` is set, else in memory. Over it, the answer is 429
problem+json with ``Retry-After``; the ``X-RateLimit-*`` headers say how much is left."""

from flask import Blueprint, Flask, current_app
from flask_limiter import Limiter

from .auth import caller_key

DEFAULT = "600 per minute"


def _rate() -> str:
    return current_app.config["API_RATE_LIMIT"]


def init_app(app: Flask) -> Limiter:
    """The API's limiter on ``app`` (its own buckets, apart from the sign-in throttle)."""
    app.config.setdefault("API_RATE_LIMIT", DEFAULT)
    storage = (app.config.get("API_RATELIMIT_STORAGE_URI") or app.config.get("REDIS_URL")
               or "memory://")
    limiter = Limiter(caller_key, storage_uri=storage, strategy="moving-window",
                      default_limits=[], headers_enabled=True, key_prefix="acompana-api")
    limiter.init_app(app)
    app.extensions["acompana.api_limiter"] = limiter
    return limiter


def limit(limiter: Limiter, blueprint: Blueprint) -> None:
    """Count every request to ``blueprint`` against the caller's budget."""
    limiter.limit(_rate, key_func=caller_key)(blueprint)
