"""The daily e-mail digest: one message per person, however many items are waiting."""

import smtplib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.models import User
from .models import Notification

LABELS = {"reminder": "Recordatorio", "escalation": "Plazo vencido", "alert": "Alerta"}


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
        mailer.send(_digest(person, items))
        for item in items:
            item.emailed_at = now
        session.commit()
        sent += 1
    return sent


def _digest(person: User, items: list[Notification]) -> EmailMessage:
    message = EmailMessage()
    message["To"] = person.email
    message["Subject"] = f"Acompaña: {len(items)} aviso(s) pendiente(s)"
    lines = [f"Hola {person.full_name},", "", "Tiene estos avisos pendientes:", ""]
    lines += [f"- {LABELS.get(i.kind, i.kind)}: {i.title}" for i in items]
    message.set_content("\n".join(lines))
    return message
