"""The daily e-mail digest: one message per person, however many items are waiting."""

import smtplib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.persistence.models import Case, Event, Household

from .. import names
from ..auth.models import User
from ..i18n import language_of
from ..messages import word_event
from .models import Notification

LABELS = {"reminder": _l("Recordatorio"), "review_reminder": _l("Recordatorio"),
          "escalation": _l("Plazo vencido"),
          "alert": _l("Alerta")}


@dataclass(frozen=True)
class Mailer:
    """Where mail goes (an SMTP server) and who it comes from."""

    host: str
    port: int
    sender: str

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the SMTP server."""
        message["From"] = self.sender
        with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
            smtp.send_message(message)


def send_digests(session: Session, mailer: Mailer, now: datetime) -> int:
    """E-mail every person their unread, not yet e-mailed notifications; return mails sent."""
    pending = session.scalars(select(Notification).where(
        Notification.emailed_at.is_(None), Notification.read_at.is_(None))
        .order_by(Notification.username, Notification.id)).all()
    by_person: dict[str, list[Notification]] = defaultdict(list)
    for item in pending:
        by_person[item.username].append(item)
    sent = 0
    for username, items in by_person.items():
        person = session.scalars(select(User).where(User.username == username)).first()
        if person is None or not person.email:
            continue
        mailer.send(_digest(session, person, items))
        for item in items:
            item.emailed_at = now
        session.commit()
        sent += 1
    return sent


def _digest(session: Session, person: User, items: list[Notification]) -> EmailMessage:
    """The person's digest, in their language (each item worded from its event)."""
    message = EmailMessage()
    message["To"] = person.email
    with force_locale(language_of(person) or "es"):
        message["Subject"] = ngettext("Acompaña: %(num)d aviso pendiente",
                                      "Acompaña: %(num)d avisos pendientes", len(items))
        lines = [_("Hola %(name)s:", name=person.full_name), "",
                 _("Tiene estos avisos pendientes:"), ""]
        lines += [f"- {LABELS.get(i.kind, i.kind)}: {what}"
                  for i, what in zip(items, _worded(session, items), strict=True)]
    message.set_content("\n".join(lines))
    return message


def _worded(session: Session, items: list[Notification]) -> list[str]:
    """``<what happened> · <family>`` for each notification, in the current language."""
    query = (select(Event, Household.family_name, Case.programme_key)
             .join(Case, Case.id == Event.case_id)
             .join(Household, Household.id == Case.household_id)
             .where(Event.id.in_({i.event_id for i in items})))
    with names.reading_from(session):
        worded = {event.id: f"{word_event(event, programme)} · {family}"
                  for event, family, programme in session.execute(query)}
    return [worded.get(i.event_id, i.title) for i in items]
