"""Sign-in throttling that a stranger cannot turn against the real person.

Failed sign-ins are counted (Flask-Limiter's storage: Redis when ``REDIS_URL`` is set, memory
otherwise) per client address and per account name as typed, known or not, so the answer never
tells which accounts exist. Nothing is ever locked: once a window is full the form answers 429
with ``Retry-After`` until it empties.

A browser where the person has signed in before carries a signed *device cookie* naming the
account. Its failures count in a bucket of its own (account + device) instead of the account's
shared one, so an attacker filling the account's bucket from elsewhere slows only browsers that
never signed in to it (OWASP's "device cookies"). The address limit applies to everybody.
"""

import logging
import math
import secrets
import time
from dataclasses import dataclass

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeSerializer
from limits import RateLimitItem, parse_many

DEVICE_COOKIE = "acompana_device"
DEVICE_DAYS = 180
MAX_ACCOUNT = 64  # no username is longer (app_user.username), so no bucket key need be
log = logging.getLogger("acompana.auth")


@dataclass(frozen=True)
class Attempt:
    """Who is trying: the client address, the account name as typed, the device (if known)."""

    address: str
    account: str
    device: str | None

    @classmethod
    def of_request(cls, username: str) -> "Attempt":
        """The attempt the current request makes for ``username``."""
        account = username.strip().casefold()[:MAX_ACCOUNT]
        return cls(get_remote_address(), account, _device_for(account))


class SignInThrottle:
    """The per-address, per-account and per-device limits on failed sign-ins."""

    def __init__(self, limiter: Limiter, config: dict):
        self._limiter = limiter
        self.by_address = parse_many(config["SIGNIN_LIMIT_ADDRESS"])
        self.by_account = parse_many(config["SIGNIN_LIMIT_ACCOUNT"])
        self.by_device = parse_many(config["SIGNIN_LIMIT_DEVICE"])

    def _buckets(self, attempt: Attempt) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
        buckets = [(item, ("signin-address", attempt.address)) for item in self.by_address]
        if attempt.device:
            keys = ("signin-device", attempt.account, attempt.device)
            return buckets + [(item, keys) for item in self.by_device]
        return buckets + [(item, ("signin-account", attempt.account)) for item in self.by_account]

    def wait(self, attempt: Attempt) -> int:
        """Seconds before ``attempt`` may be tried (0: now)."""
        strategy, now, wait = self._limiter.limiter, time.time(), 0
        try:
            for item, keys in self._buckets(attempt):
                if not strategy.test(item, *keys):
                    reset = strategy.get_window_stats(item, *keys).reset_time
                    wait = max(wait, math.ceil(reset - now), 1)
        except Exception:  # the storage is down: let people in rather than lock everyone out
            log.exception("sign-in throttle storage unreachable; not throttling")
            return 0
        return wait

    def failed(self, attempt: Attempt) -> None:
        """Count a failed attempt in every bucket it belongs to."""
        try:
            for item, keys in self._buckets(attempt):
                self._limiter.limiter.hit(item, *keys)
        except Exception:
            log.exception("sign-in throttle storage unreachable; failure not counted")


class ResetThrottle:
    """How many password-reset links may be asked for, per client address and per account
    name as typed: over it nothing is sent (the answer stays the same, so it tells nothing
    about the account), and nobody's mailbox is flooded."""

    def __init__(self, limiter: Limiter, config: dict):
        self._limiter = limiter
        self.by_address = parse_many(config["RESET_LIMIT_ADDRESS"])
        self.by_account = parse_many(config["RESET_LIMIT_ACCOUNT"])

    def allowed(self, name: str) -> bool:
        """Count a request for ``name``'s link; whether a link may be sent."""
        account = name.strip().casefold()[:200]
        buckets = [(item, ("reset-address", get_remote_address())) for item in self.by_address]
        buckets += [(item, ("reset-account", account)) for item in self.by_account]
        try:
            return all([self._limiter.limiter.hit(item, *keys) for item, keys in buckets])
        except Exception:  # the storage is down: a link may still be asked for
            log.exception("reset throttle storage unreachable; not throttling")
            return True


def init_app(app: Flask) -> None:
    """Give ``app`` its throttle, on Redis when ``REDIS_URL`` is set, else in memory."""
    config = app.config
    for key, default in (("SIGNIN_LIMIT_ADDRESS", "20 per minute; 100 per hour"),
                         ("SIGNIN_LIMIT_ACCOUNT", "5 per minute; 20 per hour"),
                         ("SIGNIN_LIMIT_DEVICE", "5 per minute; 20 per hour"),
                         ("RESET_LIMIT_ADDRESS", "10 per hour"),
                         ("RESET_LIMIT_ACCOUNT", "3 per hour")):
        config.setdefault(key, default)
    storage = config.get("RATELIMIT_STORAGE_URI") or config.get("REDIS_URL") or "memory://"
    limiter = Limiter(get_remote_address, app=app, storage_uri=storage,
                      strategy="moving-window", default_limits=[])
    app.extensions["acompana.signin_throttle"] = SignInThrottle(limiter, config)
    app.extensions["acompana.reset_throttle"] = ResetThrottle(limiter, config)


def throttle() -> SignInThrottle:
    """The current app's sign-in throttle."""
    return current_app.extensions["acompana.signin_throttle"]


def reset_throttle() -> ResetThrottle:
    """The current app's throttle on password-reset links."""
    return current_app.extensions["acompana.reset_throttle"]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="acompana-signin-device")


def _device_for(account: str) -> str | None:
    """The device id in this browser's cookie, if it was issued for ``account``."""
    try:
        payload = _serializer().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadSignature:
        return None
    if isinstance(payload, dict) and payload.get("account") == account:
        return str(payload.get("device"))
    return None


def remember_device(response: Response, username: str) -> Response:
    """Mark this browser as one where ``username`` signed in (sets the device cookie)."""
    account = username.strip().casefold()[:MAX_ACCOUNT]
    value = _serializer().dumps({"account": account, "device": secrets.token_urlsafe(16)})
    response.set_cookie(DEVICE_COOKIE, value, max_age=DEVICE_DAYS * 86400, httponly=True,
                        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
