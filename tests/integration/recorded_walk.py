"""Walk a case through its steps the way the demo does (web/demo.py): each step some days
after the previous one, the due timers fired on the way; for tests that need a long record
(assessments over time, plans) without living every day."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.persistence.models import HumanTask
from web.consents.steps import give_needed_consents

WALKER = engine.Actor("demo", frozenset({"caseworker", "supervisor"}), None)


def walk(session, sql_engine, forms, module, spec: dict, start: datetime | None = None) -> int:
    """Open ``spec``'s case (a DEMO_CASES entry of ``module``) at ``start`` and complete its
    ``steps`` (bpmn id, days after the previous one[, extra argument]); return the case id."""
    moment = start or datetime(2025, 1, 6, 13, tzinfo=UTC)
    command = engine.StartCase(spec["programme"], spec["territory"], spec["caseworker"],
                               spec["family"], members=spec.get("members", []))
    with unit_of_work(session):
        case_id = engine.start_case(session, command, WALKER, moment).id
    for bpmn_id, days_later, *extra in spec["steps"]:
        moment += timedelta(days=days_later)
        engine.fire_due_timers(sql_engine, moment)
        session.expire_all()
        for routine in module.KEEPS_UP:
            _complete(session, forms, module, case_id, routine, moment)
        _complete(session, forms, module, case_id, bpmn_id, moment, *extra)
    return case_id


def _complete(session, forms, module, case_id, bpmn_id, moment, *extra) -> None:
    rows = session.scalars(select(HumanTask).where(HumanTask.case_id == case_id)).all()
    row = next((r for r in rows if r.bpmn_id == bpmn_id), None)
    if row is None:
        return
    data = module.STEP_DATA[bpmn_id](moment.date(), *extra)
    actor = engine.Actor(row.assignee or spec_caseworker(row), frozenset({row.role}), None)
    give_needed_consents(session, forms, row, data, moment)  # as the demo does (web/demo.py)
    with unit_of_work(session):
        engine.complete(session, forms, row.id, data, actor, moment)


def spec_caseworker(row: HumanTask) -> str:
    """Who does a pool step in the walk (the demo's own actor)."""
    return "demo"
