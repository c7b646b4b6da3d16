"""Two Programa Familias versions side by side.

Version 2 drops the year-two session deadline (75 days in version 1; every session is due in
45 days in version 2) and its session form asks where the session took place. A family that
entered on version 1 keeps version 1's forms and deadlines for its whole cycle, while a family
allocated after version 2 was published gets the new ones. Dates are for Antofagasta (Chile).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.definitions import catalog
from engine.persistence.models import ProcessDefinition
from tests.conftest import ROOT
from tests.integration.case_driver import CaseSteps
from tests.integration.familias_driver import FamiliaCase, LaterFamily, local_day
from tests.integration.familias_versions import familias_v2
from web.demo_data import contacto, diagnostico, evaluacion_final, ingreso, plan, seguimiento
from web.demo_data import sesion as session_data

FIRST_ALLOCATED = date(2026, 3, 2)
FIRST_ENTRY = date(2026, 3, 30)
V2_PUBLISHED = date(2026, 6, 2)
SECOND_ENTRY = date(2026, 6, 22)
SESSION_FORM = "familias/sesion"


@dataclass
class Sessions:
    """Each family's sessions: every visit is done 35 days after it opens (under both
    limits), with the fields its version's form has; each opening's deadline is noted."""

    places: dict[int, bool]  # case id → whether its form asks for lugar_sesion
    due: dict[int, list[tuple[date, int, int]]] = field(default_factory=dict)

    def __call__(self, case: CaseSteps) -> None:
        case.review_overdue_steps()
        report = case.task("seguimiento")
        if report and (case.today - local_day(report.created_at)).days >= 3:
            case.complete("seguimiento", seguimiento(case.today))
        visit = case.task("sesion")
        if visit is None:
            return
        opened = local_day(visit.created_at)
        notes = self.due.setdefault(case.case.id, [])
        if not notes or notes[-1][0] != opened:
            notes.append((opened, (local_day(visit.remind_at) - opened).days,
                          (local_day(visit.due_at) - opened).days))
        if (case.today - opened).days >= 35:
            case.complete("sesion", self.data(case))

    def data(self, case: CaseSteps) -> dict:
        extra = {"lugar_sesion": "domicilio"} if self.places[case.case.id] else {}
        return session_data(case.today, **extra)


def both(first: FamiliaCase, second: LaterFamily, habits: Sessions):
    def each_morning(_):
        for case in (first, second):
            if case.refreshed_case().status == "open":
                habits(case)
                finish(case)
    return each_morning


def finish(case: CaseSteps) -> None:
    """The final evaluation is done the day it opens, and the egreso approved."""
    if case.task("evaluacion_final"):
        case.complete("evaluacion_final", evaluacion_final(case.today))
    if case.task("aprobar_egreso"):
        case.complete("aprobar_egreso", {"aprobado": True, "observaciones": "Egreso"})


def enter(case: CaseSteps, first: FamiliaCase, contact: date, entry: date) -> None:
    """Contact, entry, diagnosis 40 days after entry and plan 20 days later."""
    first.wait_until(contact)
    case.complete("primer_contacto", contacto(case.today))
    first.wait_until(entry)
    case.complete("ingreso", ingreso(case.today))
    first.wait_until(entry + timedelta(days=40))
    case.complete("diagnostico", diagnostico(case.today, 0, False))
    first.wait_until(entry + timedelta(days=60))
    case.complete("plan", plan(case.today))


def session_form(session, case: CaseSteps) -> dict:
    """The session form as the case's task page gets it."""
    row = case.task("sesion")
    return engine.forms_for_instance(session, row.instance_id, case.forms).schema(SESSION_FORM)


def refused_fields(case: CaseSteps, data: dict) -> dict[str, str]:
    """What completing the open session with ``data`` is refused for (nothing is saved)."""
    row = case.task("sesion")
    with pytest.raises(engine.InvalidTaskData) as refused, unit_of_work(case.session):
        engine.complete(case.session, case.forms, row.id, data, case.caseworker)
    return {error.field: error.code for error in refused.value.errors}


@pytest.fixture
def first_family(session, real_forms, territories, caseworker, supervisor):
    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / "familias", real_forms, "manager")
    case = FamiliaCase(session, real_forms, caseworker, supervisor, FIRST_ALLOCATED)
    yield case
    case.close()


@pytest.mark.postgresql_only  # 27 months lived day by day: the subject is versions, not SQL
def test_each_family_keeps_the_forms_and_deadlines_of_its_version(session, tmp_path,
                                                                   first_family):
    first = first_family
    enter(first, first, date(2026, 3, 10), FIRST_ENTRY)
    first.wait_until(V2_PUBLISHED)
    folder, v2_forms = familias_v2(tmp_path)
    with unit_of_work(session):
        result = engine.deploy_folder(session, folder, v2_forms, "equipo-procesos")
    assert (result.version, result.created) == (2, True)
    statuses = session.execute(select(ProcessDefinition.version, ProcessDefinition.status)
                               .order_by(ProcessDefinition.version)).all()
    assert statuses == [(1, "retired"), (2, "published")]
    # version 1 still runs a case: the deadline it needs stays in the live settings
    live = catalog.programme(session, "familias")
    assert live.settings["plazos"]["sesion_anio2"]["dias"] == 75

    second = LaterFamily(first, "Díaz Soto")
    habits = Sessions({first.case.id: False, second.case.id: True})
    first.wait_until(date(2026, 6, 3), both(first, second, habits))
    enter(second, first, date(2026, 6, 10), SECOND_ENTRY)

    assert "lugar_sesion" not in session_form(session, first)["properties"]
    assert session_form(session, second)["required"][-1] == "lugar_sesion"
    first.wait_until(date(2026, 8, 30), both(first, second, habits))
    plain = session_data(first.today)
    assert refused_fields(second, plain) == {"lugar_sesion": "required"}
    assert list(refused_fields(first, {**plain, "lugar_sesion": "sede"})) == ["(formulario)"]

    first.wait_until(date(2028, 6, 30), both(first, second, habits))
    for case in (first, second):
        closed = case.refreshed_case()
        assert (closed.status, closed.outcome) == ("closed", "egreso")
    first_due, second_due = habits.due[first.case.id], habits.due[second.case.id]
    year_two = [(reminder, due) for opened, reminder, due in first_due
                if opened >= date(2027, 3, 30)]
    year_one = [(reminder, due) for opened, reminder, due in first_due
                if opened < date(2027, 3, 30)]
    # due in 75 days in year two, reminded at 6 weeks (its cadence: every 6–8 weeks)
    assert year_two and set(year_two) == {(42, 76)}
    # due in 45 days in year one, reminded when the monthly session falls due (28–31 days)
    assert year_one and {due for _, due in year_one} == {46}
    assert {reminder for reminder, _ in year_one} <= {28, 29, 30, 31}
    assert any(opened >= date(2027, 6, 22) for opened, _, _ in second_due)  # in its year two
    # version 2 has no year-two deadline: 45 days in any year; the cadence stays
    assert {due for _, _, due in second_due} == {46}
    assert {reminder for _, reminder, _ in second_due} <= {28, 29, 30, 31, 42}
    assert all("lugar_sesion" in s for s in second.submitted("sesion"))
    assert not any("lugar_sesion" in s for s in first.submitted("sesion"))
    # version 1 runs no case any more: a redeploy of version 2 drops the deadline it needed
    with unit_of_work(session):
        again = engine.deploy_folder(session, folder, v2_forms, "equipo-procesos")
    assert (again.version, again.created) == (2, False)
    assert "sesion_anio2" not in catalog.programme(session, "familias").settings["plazos"]
