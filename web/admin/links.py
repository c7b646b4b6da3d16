"""One-time links that let a person set their own password: an invitation (a new account)
or a reset (a forgotten password). Only the SHA-256 of a link's token is stored; a link works
once, until it expires, and a newer link of the same person cancels the older ones. The link
is e-mailed to the person (the SMTP server of ``MAIL_SERVER``); no administrator sees it, or
the password."""

import hashlib
import secrets
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

import engine
from engine.core import clock

from ..auth.models import OneTimeLink, User
from ..auth.people import set_password
from ..extensions import db
from ..notifications.outbox import mailer_of

INVITE, RESET = "invite", "reset"
LIFETIME = {INVITE: timedelta(days=7), RESET: timedelta(hours=2)}
MIN_PASSWORD, MAX_PASSWORD = 10, 200


class MailNotSetUp(RuntimeError):
    """There is no SMTP server to send the link with (``MAIL_SERVER``)."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(user: User, purpose: str, by: str) -> str:
    """A new link token for ``user`` (earlier unused links of theirs stop working)."""
    now = clock.now()
    db.session.execute(update(OneTimeLink).where(OneTimeLink.user_id == user.id,
                                                 OneTimeLink.used_at.is_(None))
                       .values(used_at=now))
    token = secrets.token_urlsafe(32)
    db.session.add(OneTimeLink(id=_digest(token), user_id=user.id, purpose=purpose,
                               created_by=by, created_at=now,
                               expires_at=now + LIFETIME[purpose]))
    return token


def require_mail():
    """The app's mailer; :class:`MailNotSetUp` when ``MAIL_SERVER`` is not set."""
    mailer = mailer_of(current_app.config)
    if mailer is None:
        raise MailNotSetUp("MAIL_SERVER is not set: no invitation can be sent")
    return mailer


def send(user: User, purpose: str, by: str) -> None:
    """Issue a link for ``user`` and e-mail it to them, in their language."""
    mailer = require_mail()
    if not user.email:
        raise MailNotSetUp(f"{user.username} has no e-mail address")
    token = issue(user, purpose, by)
    kind = "invitation_sent" if purpose == INVITE else "password_reset_sent"
    territory = min(user.territories, key=lambda t: t.id) if user.territories else None
    engine.record_change(db.session, kind, by, clock.now(), person=user.username,
                         territory=territory, data={"email": user.email})
    db.session.commit()
    mailer.send(_message(user, purpose, token))


def link_url(token: str) -> str:
    """The address of the page a link opens (``ACOMPANA_BASE_URL`` outside a request)."""
    base = current_app.config.get("ACOMPANA_BASE_URL")
    if has_request_context() and not base:
        return url_for("password.set_password", token=token, _external=True)
    path = current_app.url_map.bind("localhost").build("password.set_password",
                                                       {"token": token})
    return (base or "http://localhost:5000").rstrip("/") + path


def _message(user: User, purpose: str, token: str) -> EmailMessage:
    with force_locale(user.locale or "es"):
        message = EmailMessage()
        message["To"] = user.email
        if purpose == INVITE:
            message["Subject"] = _("Su cuenta en Acompaña")
            intro = _("Hola %(name)s: le crearon una cuenta en Acompaña con el usuario "
                      "%(username)s. Elija su contraseña en este enlace (sirve una vez, "
                      "durante 7 días):", name=user.full_name, username=user.username)
        else:
            message["Subject"] = _("Nueva contraseña para Acompaña")
            intro = _("Hola %(name)s: para elegir una nueva contraseña de %(username)s abra "
                      "este enlace (sirve una vez, durante 2 horas). Si no lo pidió, no haga "
                      "nada.", name=user.full_name, username=user.username)
        message.set_content(f"{intro}\n\n{link_url(token)}\n")
    return message


def valid(token: str) -> OneTimeLink | None:
    """The unused, unexpired link of ``token``, or ``None``."""
    if not isinstance(token, str) or len(token) > 100:
        return None
    row = db.session.get(OneTimeLink, _digest(token))
    if row is None or row.used_at is not None or row.expires_at <= clock.now():
        return None
    return row


def password_errors(password: str, again: str) -> list[str]:
    """What is wrong with a chosen password (codes: ``short``, ``long``, ``mismatch``)."""
    problems = []
    if len(password) < MIN_PASSWORD:
        problems.append("short")
    if len(password) > MAX_PASSWORD:
        problems.append("long")
    if password != again:
        problems.append("mismatch")
    return problems


def redeem(row: OneTimeLink, password: str) -> User:
    """Set the password of the link's person and spend the link (their sessions end)."""
    user = db.session.get(User, row.user_id)
    row.used_at = clock.now()
    territory = min(user.territories, key=lambda t: t.id) if user.territories else None
    engine.record_change(db.session, "password_set", user.username, clock.now(),
                         person=user.username, territory=territory,
                         data={"by": row.purpose})
    set_password(user, password)  # commits
    return user


def person_for_reset(name: str) -> User | None:
    """The active person whose username or e-mail is ``name`` (a forgotten password)."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        return None
    query = select(User).where(User.active.is_(True),
                               (User.username == name.lower()) | (User.email == name))
    return db.session.scalars(query).first()
