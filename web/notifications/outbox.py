"""Urgent steps by e-mail, at once: the notifications of kind ``urgent`` are the outbox.

The notification is written in the unit of work that opened the step (web.notifications.
delivery); the mail goes only once that transaction has committed (an undone step e-mails
nobody), from a session of its own, through the SMTP server of ``MAIL_SERVER``/``MAIL_PORT``
(web.config; the digest's :class:`Mailer`). A mail that cannot be sent stays in the outbox:
each timer sweep (web.jobs, web.background) sends what is still pending.
"""

import logging
from email.message import EmailMessage

from flask import current_app, has_app_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.orm import Session, scoped_session

from engine.core import clock

from ..auth.models import User
from ..i18n import language_of
from .models import Notification

URGENT = "urgent"
log = logging.getLogger("acompana.notifications")


def send_after_commit(session: Session) -> None:
    """Send the pending urgent mails once ``session``'s transaction commits (only then)."""
    if not has_app_context():
        return
    if isinstance(session, scoped_session):
        session = session()
    app = current_app._get_current_object()
    bind = session.get_bind()

    def after_commit(_session) -> None:
        with app.app_context(), Session(bind) as own:
            try:
                send_pending(own, mailer_of(app.config))
            except OSError:  # the SMTP server is away: the next sweep sends it
                log.warning("urgent e-mail not sent now; the next sweep retries")

    event.listen(session, "after_commit", after_commit, once=True)


def mailer_of(config):
    """The SMTP server of the app's config, or ``None`` when e-mail is not set up."""
    from .digest import Mailer

    if not config.get("MAIL_SERVER"):
        return None
    return Mailer(config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_FROM"])


def send_pending_now(session: Session) -> int:
    """What the sweeps call: send what is still pending with the app's mailer."""
    try:
        return send_pending(session, mailer_of(current_app.config))
    except OSError:
        log.warning("urgent e-mail not sent now; the next sweep retries")
        return 0


def send_pending(session: Session, mailer) -> int:
    """E-mail every urgent notification not e-mailed yet (one mail each, in the reader's
    language); return how many went. Each is marked sent as it goes."""
    if mailer is None:
        return 0
    pending = session.scalars(select(Notification).where(
        Notification.kind == URGENT, Notification.emailed_at.is_(None))
        .order_by(Notification.id)).all()
    sent = 0
    for item in pending:
        person = session.scalars(select(User).where(User.username == item.username)).first()
        if person is not None and person.email:
            mailer.send(_message(person, item))
            sent += 1
        item.emailed_at = clock.now()
        session.commit()
    return sent


def _message(person: User, item: Notification) -> EmailMessage:
    message = EmailMessage()
    message["To"] = person.email
    with force_locale(language_of(person) or "es"):
        what = item.title  # the step as the process names it · the family
        message["Subject"] = _("Acompaña: paso urgente — %(what)s", what=what)
        lines = [_("Hola %(name)s:", name=person.full_name), "",
                 _("Le fue asignado un paso urgente:"), "", f"- {what}"]
        link = _link(item)
        if link:
            lines += ["", _("Ábralo en Acompaña: %(link)s", link=link)]
    message.set_content("\n".join(lines))
    return message


def _link(item: Notification) -> str | None:
    if not item.task_id:
        return None
    try:
        return url_for("tasks.show", task_id=item.task_id, _external=True)
    except RuntimeError:  # no server name outside a request
        return None
