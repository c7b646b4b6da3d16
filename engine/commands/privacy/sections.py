"""Where a person's data is kept: one *section* per table or JSON store, in one registry.

An erasure, a retention run and an export walk every registered section, so a new store of
case data is one :func:`register` call (the web registers its notifications, the consent and
access-log tables register theirs). A section answers two questions about the cases of a
household:

- ``scrub(session, scope, redactor) -> int``: rewrite what it holds with the redactor, and
  say how many rows it changed;
- ``collect(session, scope) -> list[dict]``: what it holds, as plain JSON-ready rows (the
  person's export).

Most stores are rows with a ``case_id`` and some text or JSON columns:
:class:`ColumnsSection` is that section, built from the table and the column names.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from ...persistence.privacy_models import AuditUnlock
from .redaction import Redactor


@dataclass(frozen=True)
class Scope:
    """Whose data: a household, its cases and (for one person) the member's position."""

    household_id: int
    case_ids: tuple[int, ...]
    member: int | None = None  # None: the whole household (retention)
    request_id: int | None = None  # the privacy request doing it (for the audit unlock)


class Section(Protocol):
    """One store of case data (see the module docstring)."""

    name: str

    def scrub(self, session: Session, scope: Scope, redactor: Redactor) -> int: ...

    def collect(self, session: Session, scope: Scope) -> list[dict]: ...


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> Section:
    """Add ``section`` to every erasure, retention run and export (again: replaces it)."""
    _SECTIONS[section.name] = section
    return section


def registered() -> list[Section]:
    """Every registered section, in registration order."""
    return list(_SECTIONS.values())


def plain(value):
    """``value`` as JSON can hold it (moments in ISO form, bytes left out)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return None
    return value


@dataclass(frozen=True)
class ColumnsSection:
    """Rows of ``table`` whose ``case_column`` is one of the scope's cases; ``columns`` are
    its text or JSON columns holding case data (each rewritten by the redactor); ``shown``
    the columns an export lists (all of the table's by default)."""

    name: str
    table: Table
    columns: tuple[str, ...]
    case_column: str = "case_id"
    shown: tuple[str, ...] | None = None
    exported: bool = True
    key: str = "id"
    order: tuple[str, ...] = field(default=("id",))

    def rows(self, session: Session, scope: Scope) -> list:
        """The table's rows for the scope's cases."""
        if not scope.case_ids:
            return []
        query = (select(self.table).where(self.table.c[self.case_column].in_(scope.case_ids))
                 .order_by(*(self.table.c[c] for c in self.order)))
        return list(session.execute(query).mappings())

    def scrub(self, session: Session, scope: Scope, redactor: Redactor) -> int:
        """Rewrite the columns of each row that holds something to take out."""
        changed = 0
        for row in self.rows(session, scope):
            values = {c: redactor.value(row[c]) for c in self.columns if row[c] is not None}
            values = {c: v for c, v in values.items() if v != row[c]}
            if values:
                key = self.table.c[self.key]
                session.execute(update(self.table).where(key == row[self.key]).values(**values))
                changed += 1
        return changed

    def collect(self, session: Session, scope: Scope) -> list[dict]:
        """The rows as an export lists them."""
        if not self.exported:
            return []
        names = self.shown or tuple(c.name for c in self.table.columns)
        return [{n: plain(row[n]) for n in names} for row in self.rows(session, scope)]


@dataclass(frozen=True)
class AppendOnlySection(ColumnsSection):
    """A store the database keeps append-only (the audit trail ``event``, the access log):
    the erasure takes a controlled unlock, a ``privacy_audit_unlock`` row per case naming the
    request, inserted before and deleted after the rewrite in the same transaction; the
    table's triggers let only updates of those cases' rows through that keep each row what
    it was (the event's case, kind, actor and moment; the view's who, what and when), and
    deletes stay refused (migrations 0037_retention_erasure, 0042_access_log_erasure)."""

    def scrub(self, session: Session, scope: Scope, redactor: Redactor) -> int:
        if not scope.case_ids:
            return 0
        session.add_all([AuditUnlock(case_id=c, request_id=scope.request_id)
                         for c in scope.case_ids])
        session.flush()
        try:
            return ColumnsSection.scrub(self, session, scope, redactor)
        finally:
            session.execute(delete(AuditUnlock).where(AuditUnlock.request_id == scope.request_id))
            session.flush()


def scrub_all(session: Session, scope: Scope, redactor: Redactor,
              sections: Iterable[Section] | None = None) -> dict[str, int]:
    """Run every section's scrub; the rows changed, by section."""
    counts = {}
    for section in sections if sections is not None else registered():
        counts[section.name] = section.scrub(session, scope, redactor)
        session.flush()
    return counts


def collect_all(session: Session, scope: Scope) -> dict[str, list[dict]]:
    """Every exported section's rows for the scope, by section (a section with
    ``exported = False`` holds nothing a person reads: the engine's own state)."""
    return {s.name: s.collect(session, scope) for s in registered()
            if getattr(s, "exported", True)}
