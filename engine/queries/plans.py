"""The case's current plan: the latest submitted Plan Familiar de Desarrollo (Familias),
Progetto Quadro (P.I.P.P.I.) or PII (Comunidad Crece), its goals and actions (who, by when),
and how far each goal got at the latest review after it (T1/T2, revisión del PII, egreso).

Which steps are the plan and its reviews is the manifest's ``[case_file]``; the field names
of each programme's plan are :data:`PLANS`. Labels come from the forms of the case's version;
answers are the corrected ones.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from ..commands.cases import visible_case
from ..core.actors import Actor
from ..definitions import versions
from ..definitions.forms import FormLibrary
from ..persistence.models import Event
from .trajectory import _steps, case_completions

ACHIEVED = frozenset({"logrado", "raggiunto"})


@dataclass(frozen=True)
class Shape:
    """Where a programme's plan keeps its goals and actions, and where reviews rate them:
    ``reviews`` are (manifest step name, list field, goal text field, state field)."""

    goals: str
    goal: str
    area: str
    actions: str
    action: str
    who: str
    due: str
    reviews: tuple[tuple[str, str, str, str], ...] = ()


PLANS = {
    "familias": Shape("metas", "meta", "dimension", "acciones", "accion", "responsable",
                      "fecha_limite"),
    "pippi": Shape("esiti", "esito_atteso", "lato", "azioni", "azione", "chi", "quando",
                   (("t1", "revisione_esiti", "esito_atteso", "stato"),
                    ("t2", "bilancio_esiti", "esito_atteso", "stato"))),
    "comunidad_crece": Shape("metas", "meta", "area", "acciones", "accion", "responsable",
                             "fecha_limite",
                             (("review", "avance_metas", "meta", "estado"),
                              ("exit_evaluation", "avance_metas", "meta", "estado"))),
}


@dataclass(frozen=True)
class Action:
    """One action of a goal: what, who, by when (an ISO date, as submitted); where the
    programme records achievement per action (Familias: ``logro_acciones``), its reference
    (``M1.A1``, :attr:`ref`), whether it was achieved (None: not recorded yet) and on which day."""

    text: str
    who: str
    due: str | None
    ref: str = ""
    achieved: bool | None = None
    recorded_on: str | None = None


@dataclass(frozen=True)
class Goal:
    """A goal, its area, its actions and its state at the latest review (None: not yet)."""

    area: str
    text: str
    actions: tuple[Action, ...]
    state: str | None = None
    achieved: bool | None = None
    reviewed_in: str | None = None


@dataclass(frozen=True)
class Plan:
    """The latest plan of the case: the step that recorded it, who, when, its goals."""

    title: str
    task_id: str
    by: str
    at: datetime
    goals: tuple[Goal, ...]


def current_plan(session: Session, case_id: int, actor: Actor,
                 forms: FormLibrary) -> Plan | None:
    """The case's latest plan (None: no plan yet, or its programme has none);
    :class:`NotFound` unless ``actor`` sees the case."""
    case = visible_case(session, case_id, actor)
    shape, steps = PLANS.get(case.programme_key), _steps(case.programme_key)
    if shape is None or not steps or "plan" not in steps:
        return None
    events = case_completions(session, case)
    plans = [e for e in events if e.bpmn_id == steps["plan"]]
    if not plans:
        return None
    latest = plans[-1]
    library = versions.forms_for_case(session, case.id, forms)
    reviews = _reviews(events, latest, shape, steps, library)
    records = _action_records(events, latest, steps.get("plan_actions"))
    goals_node = _node(library, latest, shape.goals)
    areas = (((goals_node.get("items") or {}).get("properties") or {}).get(shape.area) or {})
    rows = [row for row in (latest.data.get("submitted") or {}).get(shape.goals) or []
            if isinstance(row, dict)]
    goals = tuple(_goal(row, shape, areas.get("x-labels") or {}, reviews, records, number)
                  for number, row in enumerate(rows, 1))
    return Plan(latest.title or latest.bpmn_id, latest.task_id, latest.actor, latest.at, goals)


def _node(library: FormLibrary, event: Event, name: str) -> dict:
    key = (event.data or {}).get("form")
    if not key or not library.exists(key):
        return {}
    node = (library.schema(key).get("properties") or {}).get(name)
    return node if isinstance(node, dict) else {}


def _key(text: object) -> str:
    return " ".join(str(text or "").split()).casefold()


def _reviews(events: list[Event], plan: Event, shape: Shape, steps: dict,
             library: FormLibrary) -> dict[str, tuple[str, str, str]]:
    """Goal text → (state, its label, the reviewing step's title), the latest review last."""
    found: dict[str, tuple[str, str, str]] = {}
    by_step = {steps[name]: (field, goal, state) for name, field, goal, state in shape.reviews
               if name in steps}
    for event in events:
        if event.bpmn_id not in by_step or (event.at, event.id) < (plan.at, plan.id):
            continue
        field, goal, state = by_step[event.bpmn_id]
        node = _node(library, event, field)
        labels = (((node.get("items") or {}).get("properties") or {}).get(state) or {}).get(
            "x-labels") or {}
        for row in (event.data.get("submitted") or {}).get(field) or []:
            if isinstance(row, dict) and row.get(state):
                value = str(row[state])
                found[_key(row.get(goal))] = (value, str(labels.get(value, value)),
                                              event.title or event.bpmn_id)
    return found


def _action_records(events: list[Event], plan: Event,
                    step: str | None) -> dict[str, tuple[bool, str | None]]:
    """Action code → (achieved, day recorded), the latest record after the plan last."""
    found: dict[str, tuple[bool, str | None]] = {}
    for event in events:
        if not step or event.bpmn_id != step or (event.at, event.id) < (plan.at, plan.id):
            continue
        for entry in (event.data.get("submitted") or {}).get("logros") or []:
            if isinstance(entry, dict) and entry.get("accion"):
                found[str(entry["accion"])] = (bool(entry.get("logrado")), entry.get("fecha"))
    return found


def _goal(row: dict, shape: Shape, areas: dict, reviews: dict,
          records: dict[str, tuple[bool, str | None]], number: int) -> Goal:
    listed = [a for a in row.get(shape.actions) or [] if isinstance(a, dict)]
    actions = tuple(_action(a, shape, f"M{number}.A{n}", records) for n, a in enumerate(listed, 1))
    area = row.get(shape.area)
    review = reviews.get(_key(row.get(shape.goal)))
    return Goal(str(areas.get(str(area), area or "")), str(row.get(shape.goal) or ""), actions,
                review[1] if review else None,
                (review[0] in ACHIEVED) if review else None, review[2] if review else None)


def _action(row: dict, shape: Shape, code: str,
            records: dict[str, tuple[bool, str | None]]) -> Action:
    achieved, day = records.get(code, (None, None))
    return Action(str(row.get(shape.action) or ""), str(row.get(shape.who) or ""),
                  row.get(shape.due), code, achieved, day)
