"""A household member's consents (engine.commands.consents): for which purpose (taking part
in the programme, sharing with a named service, photos), who recorded it, when, the signed
document it rests on, and its withdrawal. A withdrawn consent stays, with who withdrew it
and why: the history of what a family agreed to is never rewritten."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base

PARTICIPATION, SHARING, PHOTOS = "participation", "sharing", "photos"
PURPOSES = (PARTICIPATION, SHARING, PHOTOS)
HOUSEHOLD = ""  # ``member_name`` of a consent given for the whole household (no member listed)


class Consent(Base):
    """One consent of one household member (``member_name``, ``member_index`` in the
    household's list when it was recorded) for one ``purpose`` (``service``: the named
    service data is shared with)."""

    __tablename__ = "consent"
    __table_args__ = (Index("ix_consent_household", "household_id", "purpose"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    member_name: Mapped[str] = mapped_column(String(200))
    member_index: Mapped[int | None] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(32))
    service: Mapped[str | None] = mapped_column(String(200))
    document: Mapped[str] = mapped_column(String(300))
    given_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(128))
    recorded_at: Mapped[datetime]
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_by: Mapped[str | None] = mapped_column(String(128))
    withdrawn_at: Mapped[datetime | None]
    withdrawal_reason: Mapped[str | None] = mapped_column(String(500))

    @property
    def active(self) -> bool:
        """Whether the consent holds (it was not withdrawn)."""
        return self.withdrawn_at is None
