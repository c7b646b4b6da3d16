"""P.I.P.P.I.: home visits are due weekly and the parents' groups every two weeks.

Each diary entry of a dispositivo records its last visit or meeting; the next entry is due
when the next one is expected (processes/pippi/settings.toml: ``cadenza_visite`` 7 days,
``cadenza_gruppi`` 14 days, calendar days from the previous entry). A step is due at the end
of its due day: it shows overdue on the supervisor's dashboard and the inbox from 00:00 local
the day after (a cadence step has a due date, no reminder or review of its own).
Dates hand-computed from the Progetto Quadro signed on Friday 28 August 2026.
"""

from datetime import date

import engine
from engine import unit_of_work
from engine.queries import overdue_tasks
from tests.integration.pippi_driver import local
from tests.integration.test_pippi_cycle import enter_programme, family, people  # noqa: F401
from web import demo_data_pippi as d


def overdue_on_dashboard(f) -> dict[str, int]:
    """The family's overdue steps the referente sees, with their days late."""
    rows = overdue_tasks(f.session, f.supervisor, f.at(9))
    return {o.task.bpmn_id: o.days_late for o in rows if o.task.case_id == f.case.id}


def test_home_visits_are_due_every_week_and_show_overdue(family):  # noqa: F811
    f = family
    enter_programme(f)
    f.wait_until(date(2026, 9, 10))  # Thursday: home education starts
    f.complete("avvio_educativa", d.avvio(f.today))
    visit = f.task("registro_educativa")  # first visit expected within 7 days: Thu 17 Sep
    assert (visit.remind_at, visit.due_at) == (None, local(date(2026, 9, 18), 0))
    f.wait_until(date(2026, 9, 16))
    f.complete("registro_educativa", d.registro(f.today))  # visit of Wed 16 Sep, on time
    again = f.task("registro_educativa")  # the next one: Wed 23 Sep
    assert again.due_at == local(date(2026, 9, 24), 0)
    f.wait_until(date(2026, 9, 23))
    assert "registro_educativa" not in overdue_on_dashboard(f)  # due today, not late yet
    f.wait_until(date(2026, 9, 25))  # Friday 09:00: 1 day and 9 hours after the due moment
    assert overdue_on_dashboard(f)["registro_educativa"] == 2
    f.complete("registro_educativa", d.registro(f.today))
    assert f.task("registro_educativa").due_at == local(date(2026, 10, 3), 0)  # Fri 2 Oct
    assert "registro_educativa" not in overdue_on_dashboard(f)


def test_parents_groups_are_due_every_two_weeks(family):  # noqa: F811
    f = family
    enter_programme(f)
    f.wait_until(date(2026, 10, 1))  # Thursday: the groups start
    f.complete("avvio_gruppi", d.avvio(f.today))
    meeting = f.task("registro_gruppi")  # 14 days: Thu 15 Oct
    assert meeting.due_at == local(date(2026, 10, 16), 0)
    f.wait_until(date(2026, 10, 16))
    assert overdue_on_dashboard(f)["registro_gruppi"] == 1
    f.complete("registro_gruppi", d.registro(f.today))  # Fri 16 Oct: next by Fri 30 Oct
    assert f.task("registro_gruppi").due_at == local(date(2026, 10, 31), 0)


def test_the_cadence_comes_from_the_settings(family, territories):  # noqa: F811
    f = family
    manager = engine.Actor("paola", frozenset({"manager"}),
                           frozenset({territories["somma_lombardo"].id}))
    with unit_of_work(f.session):
        engine.update_settings(f.session, "pippi", {"plazos.cadenza_visite.dias": 10}, manager)
    enter_programme(f)
    f.wait_until(date(2026, 9, 10))
    f.complete("avvio_educativa", d.avvio(f.today))  # a visit every 10 days: Sun 20 Sep
    assert f.task("registro_educativa").due_at == local(date(2026, 9, 21), 0)
