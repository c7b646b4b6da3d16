"""What an outcome report is: headline figures plus one CSV line per case.

Each programme has one report module in this package. Its ``build`` function reads the
cases, their audit trail (``task_completed`` events carry the submitted data) and their
outcome, limited to the territories the reader may see, and returns a :class:`Report`.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..commands import corrections
from ..definitions import households
from ..persistence.models import Case, Event


@dataclass(frozen=True)
class Figure:
    """One headline number, e.g. ``Familias egresadas: 12 (de 20 casos cerrados)``."""

    key: str
    label: str
    value: int | float | None
    detail: str | None = None
    unit: str = ""  # "%" for shares, "" for counts
    provenance: str | None = None  # "provisional"/"reconstructed": from such items (marks)
    instrument: str | None = None  # the title of the instrument it is computed from

    def shown(self) -> str:
        """The value as a reader sees it (``—`` when there is nothing to measure yet)."""
        return shown(self.value, self.unit)


def shown(value: int | float | None, unit: str = "") -> str:
    """A figure's value as a reader sees it: ``—`` for nothing, one decimal for shares."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}{unit}"
    return f"{value}{unit}"


@dataclass(frozen=True)
class Breakdown:
    """A small table of figures by group, e.g. exits by type or places filled per modality.

    ``columns`` are the headings: the group's first, then one per value; each row is the
    group's label followed by its values; ``units`` gives each value column's unit ("%" for
    shares), so ``Breakdown("cierres", "Cierres por tipo", ("Tipo", "Casos", "%"),
    (("Egreso", 2, 50.0),), ("", "%"))`` reads "Egreso: 2 casos, 50.0%".
    """

    key: str
    label: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]
    units: tuple[str, ...] = ()
    provenance: str | None = None  # "provisional"/"reconstructed": from such items (marks)
    instrument: str | None = None  # the title of the instrument it is computed from

    def row(self, group: str) -> tuple:
        """The values of the row labelled ``group``."""
        return next(tuple(r[1:]) for r in self.rows if r[0] == group)

    def shown_rows(self) -> list[tuple[str, list[str]]]:
        """Each row's label and its values as a reader sees them."""
        return [(r[0], [shown(v, self.units[i] if i < len(self.units) else "")
                        for i, v in enumerate(r[1:])]) for r in self.rows]


@dataclass(frozen=True)
class Report:
    """A programme's outcome report for some territories."""

    programme: str
    title: str
    figures: list[Figure]
    columns: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)

    def figure(self, key: str) -> Figure:
        """The figure called ``key``."""
        return next(f for f in self.figures if f.key == key)

    def breakdown(self, key: str) -> Breakdown:
        """The breakdown (small table) called ``key``."""
        return next(b for b in self.breakdowns if b.key == key)


Builder = Callable[[Session, Iterable[int]], Report]


def share(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole`` (None when ``whole`` is 0)."""
    return round(100.0 * part / whole, 1) if whole else None


def programme_cases(session: Session, programme: str, territory_ids: Iterable[int]) -> list[Case]:
    """Every case of ``programme`` in the given territories, oldest first."""
    query = (select(Case).where(Case.programme_key == programme,
                                Case.territory_id.in_(list(territory_ids)))
             .order_by(Case.id))
    return list(session.scalars(query))


def completions(session: Session, case_ids: Iterable[int]) -> dict[int, list[Event]]:
    """The ``task_completed`` events of each case, in order (empty list for none)."""
    return case_events(session, case_ids, ("task_completed",))


def case_events(session: Session, case_ids: Iterable[int],
                kinds: Iterable[str]) -> dict[int, list[Event]]:
    """The events of ``kinds`` of each case, in order (empty list for none), in one query;
    completions carry their corrected answers (engine.commands.corrections)."""
    ids, kinds = list(case_ids), list(kinds)
    found: dict[int, list[Event]] = {i: [] for i in ids}
    if not ids:
        return found
    asked = kinds + ([corrections.CORRECTED] if corrections.COMPLETED in kinds else [])
    query = (select(Event).where(Event.case_id.in_(ids), Event.kind.in_(asked))
             .order_by(Event.id))
    events = list(session.scalars(query))  # corrections in the same query: one round trip
    made = [e for e in events if e.kind == corrections.CORRECTED]
    events = corrections.apply([e for e in events if e.kind in kinds], made)
    for event in events:
        found[event.case_id].append(event)
    return found


def submitted(events: list[Event], bpmn_id: str) -> list[dict]:
    """The data submitted at each completion of step ``bpmn_id``, in order."""
    return [e.data.get("submitted", {}) for e in events if e.bpmn_id == bpmn_id]


def members(case: Case) -> int:
    """How many people the case's household has (read through engine.definitions.households)."""
    return len(households.members_of(case.household))


def counted(count: int, one: str, many: str) -> str:
    """``count`` with its noun in the right number: ``1 caso``, ``3 casos``."""
    return f"{count} {one if count == 1 else many}"


def closures_by_type(cases: Iterable[Case], outcomes: dict[str, str]) -> Breakdown:
    """Closed cases by outcome, with each outcome's share of the closures.

    ``outcomes`` labels the programme's known outcomes, listed first in its order; any other
    outcome follows, alphabetically, under its own key.
    """
    counts = Counter(c.outcome for c in cases if c.outcome)
    closed = sum(counts.values())
    kinds = list(outcomes) + sorted(k for k in counts if k not in outcomes)
    rows = tuple((outcomes.get(k, k), counts[k], share(counts[k], closed)) for k in kinds)
    return Breakdown("cierres", "Cierres por tipo", ("Tipo de cierre", "Casos", "% de cierres"),
                     rows, ("", "%"))
