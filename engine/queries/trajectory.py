"""An assessment instrument over time: the Matriz de Bienestar (Familias) or Il Mondo del
Bambino (P.I.P.P.I.), one column per assessment, each cell marked better or worse than the
row's previous answer.

Which steps assess, and which field holds the answers, is the programme's manifest
(``[case_file]``, checked at deploy); how answers rank is :data:`INSTRUMENTS`. Rows,
dimensions and answer labels come from the form of the case's version (and its reference
data), so they read as the caseworker saw them. The answers are the corrected ones
(engine.commands.corrections).
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..commands import corrections
from ..commands.cases import visible_case
from ..core.actors import Actor
from ..definitions import manifest, versions
from ..definitions.forms import FormLibrary
from ..persistence.models import Case, Event

BETTER, WORSE, SAME = "better", "worse", "same"
CONSUMER = "case_file"


@dataclass(frozen=True)
class Instrument:
    """How one programme assesses: ``assessments`` (manifest step name → answers field),
    ``flags`` (a follow-up step listing the codes in one state: step → (field, state), only
    its latest shown), ``ranks`` (state → rank, higher is better; None: numbers, higher is
    better) and whether each group gets an average row."""

    assessments: dict[str, str]
    flags: dict[str, tuple[str, str]] = field(default_factory=dict)
    ranks: dict[str, int] | None = None
    averages: bool = False


INSTRUMENTS = {
    "familias": Instrument({"diagnosis": "matriz", "final_evaluation": "matriz"},
                           {"follow_up": ("indicadores_criticos", "critico")},
                           {"cumplido": 2, "a_trabajar": 1, "critico": 0}),
    "pippi": Instrument({"t0": "mondo_t0", "t1": "mondo_t1", "t2": "mondo_t2"}, averages=True),
}


@dataclass(frozen=True)
class Column:
    """One assessment: its step, the day it speaks of and when it was recorded."""

    task_id: str
    title: str
    day: str | None
    at: datetime
    partial: bool = False  # a follow-up: only the flagged codes are known


@dataclass(frozen=True)
class Cell:
    """One answer (``None``: not assessed), its label and its change from the row's last."""

    value: object = None
    label: str = ""
    trend: str | None = None


@dataclass(frozen=True)
class Row:
    """An indicator (or a group's average) across the columns."""

    code: str
    label: str
    cells: tuple[Cell, ...]
    provisional: bool = False
    average: bool = False


@dataclass(frozen=True)
class Group:
    """A dimension (Matriz) or side (Il Mondo del Bambino)."""

    label: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Trajectory:
    """The instrument over time; ``note`` is its reference data's source, when it has one."""

    title: str
    columns: tuple[Column, ...]
    groups: tuple[Group, ...]
    note: str | None = None
    coded: bool = False  # rows are known by a code (i32) worth showing

    @property
    def provisional(self) -> bool:
        """Whether any row is a provisional (invented or reconstructed) item."""
        return any(r.provisional for g in self.groups for r in g.rows)


@dataclass(frozen=True)
class _Spec:
    group: str
    group_label: str
    code: str
    label: str
    labels: dict
    provisional: bool


def trajectory(session: Session, case_id: int, actor: Actor,
               forms: FormLibrary) -> Trajectory | None:
    """The case's assessments side by side (None: its programme has no instrument or nothing
    was assessed yet); :class:`NotFound` unless ``actor`` sees the case."""
    case = visible_case(session, case_id, actor)
    instrument = INSTRUMENTS.get(case.programme_key)
    steps = _steps(case.programme_key)
    if instrument is None or steps is None:
        return None
    events = case_completions(session, case)
    wanted = {steps[name]: name for name in [*instrument.assessments, *instrument.flags]
              if name in steps}
    found = [e for e in events if e.bpmn_id in wanted]
    assessed = [e for e in found if wanted[e.bpmn_id] in instrument.assessments]
    if not assessed:
        return None
    library = versions.forms_for_case(session, case.id, forms)
    first = assessed[0]
    node = _field_schema(library, first, instrument.assessments[wanted[first.bpmn_id]])
    if node is None:
        return None
    reference = _reference(library, node)
    specs = _specs(node, reference)
    follow_ups = [e for e in found if wanted[e.bpmn_id] in instrument.flags][-1:]
    chosen = sorted([*assessed, *follow_ups], key=lambda e: (e.at, e.id))
    columns, answers = [], []
    for event in chosen:
        name = wanted[event.bpmn_id]
        values = event.data.get("submitted") or {}
        if name in instrument.assessments:
            answers.append(_flat(values.get(instrument.assessments[name])))
        else:
            flag_field, state = instrument.flags[name]
            answers.append({("", code): state for code in values.get(flag_field) or []
                            if isinstance(code, str)})
        columns.append(Column(event.task_id, event.title or event.bpmn_id,
                              _day(library, event), event.at,
                              name in instrument.flags))
    groups = _groups(specs, answers, instrument)
    return Trajectory(str(node.get("title") or reference.get("titulo") or ""), tuple(columns),
                      groups, reference.get("fuente"), coded="x-reference" in node)


def case_completions(session: Session, case: Case) -> list[Event]:
    """The case's completed steps in order, with their corrected answers."""
    query = (select(Event).where(Event.case_id == case.id, Event.kind == corrections.COMPLETED)
             .order_by(Event.at, Event.id))
    return corrections.corrected(session, list(session.scalars(query)))


def _steps(programme: str) -> dict[str, str] | None:
    found = manifest.for_programme(programme)
    needs = found.needs.get(CONSUMER) if found else None
    return dict(needs.steps) if needs else None


def _form(library: FormLibrary, event: Event) -> dict | None:
    key = (event.data or {}).get("form")
    return library.schema(key) if key and library.exists(key) else None


def _field_schema(library: FormLibrary, event: Event, name: str) -> dict | None:
    schema = _form(library, event) or {}
    node = (schema.get("properties") or {}).get(name)
    return node if isinstance(node, dict) else None


def _reference(library: FormLibrary, node: dict) -> dict:
    name = node.get("x-reference")
    if not isinstance(name, str):
        return {}
    try:
        return library.reference(name)
    except (KeyError, OSError, ValueError):
        return {}


def _day(library: FormLibrary, event: Event) -> str | None:
    """The first date the step's form asks for (the day assessed), as submitted."""
    schema = _form(library, event) or {}
    values = event.data.get("submitted") or {}
    for name, node in (schema.get("properties") or {}).items():
        if isinstance(node, dict) and node.get("format") == "date" and values.get(name):
            return str(values[name])
    return None


def _titles(entries) -> dict[str, str]:
    return {str(e.get("codigo")): str(e.get("titulo") or e.get("codigo"))
            for e in entries or [] if isinstance(e, dict)}


def _specs(node: dict, reference: dict) -> list[_Spec]:
    """The rows: a grid's indicators by dimension, or an object's sub-objects' items."""
    properties = node.get("properties") or {}
    if "x-reference" in node:
        return _grid_specs(properties, reference)
    return [_Spec(side, str(group.get("title") or side), code, str(item.get("title") or code),
                  dict(item.get("x-labels") or {}), bool(item.get("x-provisional")))
            for side, group in properties.items() if isinstance(group, dict)
            for code, item in (group.get("properties") or {}).items() if isinstance(item, dict)]


def _grid_specs(properties: dict, reference: dict) -> list[_Spec]:
    dimensions = _titles(reference.get("dimensiones"))
    states = _titles(reference.get("estados"))
    known = {str(i.get("codigo")): i.get("conocido", True)
             for i in reference.get("indicadores") or [] if isinstance(i, dict)}
    specs = []
    for code, indicator in properties.items():
        if isinstance(indicator, dict):
            dimension = str(indicator.get("x-dimension") or "")
            specs.append(_Spec("", dimensions.get(dimension, dimension), code,
                               str(indicator.get("title") or code), states,
                               known.get(code) is False))
    return specs


def _flat(answers) -> dict:
    """``{(group, code): value}`` of a grid's or a nested object's answers."""
    if not isinstance(answers, dict):
        return {}
    flat = {}
    for key, value in answers.items():
        if isinstance(value, dict):
            flat.update({(key, code): v for code, v in value.items()})
        else:
            flat[("", key)] = value
    return flat


def _groups(specs: list[_Spec], answers: list[dict], instrument: Instrument) -> tuple[Group, ...]:
    grouped: dict[tuple[str, str], list[Row]] = {}
    for spec in specs:
        key = (spec.group, spec.group_label)
        values = [a.get((spec.group, spec.code)) for a in answers]
        cells = _cells(values, instrument.ranks, spec.labels)
        grouped.setdefault(key, []).append(Row(spec.code, spec.label, cells, spec.provisional))
    groups = []
    for (_side, label), rows in grouped.items():
        if instrument.averages:
            rows.append(_average(rows, len(answers)))
        groups.append(Group(label, tuple(rows)))
    return tuple(groups)


def _rank(value, ranks: dict[str, int] | None) -> float | None:
    if ranks is not None:
        return ranks.get(value) if isinstance(value, str) else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _cells(values: list, ranks: dict[str, int] | None, labels: dict) -> tuple[Cell, ...]:
    cells, last = [], None
    for value in values:
        rank = _rank(value, ranks)
        trend = None
        if rank is not None and last is not None:
            trend = BETTER if rank > last else WORSE if rank < last else SAME
        if rank is not None:
            last = rank
        shown = "" if value is None else str(labels.get(str(value), value))
        cells.append(Cell(value, shown, trend))
    return tuple(cells)


def _average(rows: list[Row], width: int) -> Row:
    means = []
    for n in range(width):
        numbers = [c.value for r in rows for c in [r.cells[n]]
                   if isinstance(c.value, int | float) and not isinstance(c.value, bool)]
        means.append(round(sum(numbers) / len(numbers), 1) if numbers else None)
    cells = _cells(means, None, {})
    return Row("media", "", tuple(Cell(c.value, "" if c.value is None else f"{c.value:.1f}",
                                       c.trend) for c in cells), average=True)
