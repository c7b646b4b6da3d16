"""P.I.P.P.I.: one timer per planned action of the Progetto Quadro, counted in the calendar
of the family's own comune.

The rule (processes/pippi/settings.toml, ``esito_azione``): an action's outcome is due 2
giorni lavorativi after its expected date (``quando``); the équipe is reminded at 08:00 two
working days before; at 00:00 the day after the due day the overdue review opens for the
referente territoriale. Working days follow the comune's calendar (``[municipios]``):
national holidays plus the comune's patron saint — Somma Lombardo's Sant'Agnese (Thursday 21
January 2027) is no holiday in Ferno (San Martino, 11 November).

The family is referred, consents, has its T0 and signs its Progetto Quadro on Monday 4
January 2027, with two actions:

- "Colloquio con la maestra", expected Mon 11 January: due Wed 13, reminder Mon 11 08:00;
  the équipe records it on Mon 11 at 11:00, so it never escalates;
- "Iscrivere Luca al doposcuola", expected Tue 19 January, never recorded on time:
  in Somma Lombardo Wed 20, (Thu 21 Sant'Agnese), Fri 22 → due Fri 22, escalation Sat 23;
  reminder two working days back from Fri 22: (Thu 21), Wed 20, Tue 19 → Tue 19;
  in Ferno Wed 20, Thu 21 → due Thu 21, escalation Fri 22; reminder Tue 19.
"""

from datetime import date

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.core.errors import InvalidInput
from engine.persistence.models import Case, Territory
from tests.conftest import ROOT
from tests.integration.pippi_driver import PippiCase, local, local_day
from tests.integration.test_pippi_cycle import people  # noqa: F401
from web import demo_data_pippi as d

SIGNED = date(2027, 1, 4)
TEACHER, AFTER_SCHOOL = "Colloquio con la maestra", "Iscrivere Luca al doposcuola"


def plan(day: date) -> dict:
    """The Progetto Quadro with the two actions, and no dispositivo."""
    data = d.progetto_quadro(day, ())
    data["esiti"] = [{"lato": "risposte_genitoriali",
                      "esito_atteso": "Luca frequenta la scuola con regolarità",
                      "azioni": [{"azione": TEACHER, "chi": "Maria (madre)",
                                  "quando": "2027-01-11"},
                                 {"azione": AFTER_SCHOOL, "chi": "Assistente sociale",
                                  "quando": "2027-01-19"}]}]
    return data


def opened(session, forms, people, comune):  # noqa: F811
    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / "pippi", forms, "manager")
    f = PippiCase(session, forms, *people, SIGNED, comune=comune)
    f.complete("preassessment", d.segnalazione(f.today))
    f.complete("consenso", d.consenso(f.today))
    f.complete("assessment_t0", d.assessment_t0(f.today))
    f.complete("progetto_quadro", plan(f.today))
    return f


def outcome_step(f: PippiCase, action: str):
    return next(t for t in f.outcome_steps() if t.title.endswith(action))


def action_alarms(f: PippiCase) -> list[tuple[str, str, date]]:
    """Each reminder and escalation of an action: (kind, the action, the local day)."""
    return [(e.kind, e.title.split(": ", 1)[-1], local_day(e.at))
            for e in f.events("reminder", "escalation") if e.data["deadline"] == "esito_azione"]


@pytest.mark.parametrize("comune, due, escalated", [
    ("somma_lombardo", date(2027, 1, 22), date(2027, 1, 23)),  # Sant'Agnese crossed
    ("ferno", date(2027, 1, 21), date(2027, 1, 22)),           # 21 January is a working day
])
def test_each_action_reminds_and_escalates_on_its_comunes_working_day(
        session, real_forms, people, comune, due, escalated):  # noqa: F811
    f = opened(session, real_forms, people, comune)
    try:
        steps = f.outcome_steps()  # one open step per action, each with its own deadline
        assert [(t.title, t.remind_at, t.due_at) for t in steps] == [
            (f"Esito di un'azione del Progetto Quadro: {TEACHER}",
             local(date(2027, 1, 11), 8), local(date(2027, 1, 14), 0)),
            (f"Esito di un'azione del Progetto Quadro: {AFTER_SCHOOL}",
             local(date(2027, 1, 19), 8), local(escalated, 0))]
        assert {(t.role, t.assignee) for t in steps} == {("caseworker", "giulia")}

        f.wait_until(date(2027, 1, 11))
        f.complete_row(outcome_step(f, TEACHER), d.esito_azione(f.today))
        f.wait_until(due)  # the due day: nothing late yet
        assert not [t for t in f.open_tasks() if t.bpmn_id == "revisione_esito_azione"]
        f.wait_until(escalated)
        review = f.task("revisione_esito_azione")
        assert (review.title, review.role, review.lane) == (
            f"Revisione del ritardo: Esito di un'azione del Progetto Quadro: {AFTER_SCHOOL}",
            "supervisor", "Referente territoriale")
        assert local_day(review.created_at) == escalated
        f.complete("revisione_esito_azione", d.revisione(f.today), hour=10)
        reminded = f.events("review_reminder")  # the équipe is told by the referente
        assert [e.title for e in reminded] == [
            f"Esito di un'azione del Progetto Quadro: {AFTER_SCHOOL}"]
        f.complete_row(outcome_step(f, AFTER_SCHOOL), d.esito_azione(f.today, "in_parte"))

        assert action_alarms(f) == [
            ("reminder", TEACHER, date(2027, 1, 11)),
            ("reminder", AFTER_SCHOOL, date(2027, 1, 19)),
            ("escalation", AFTER_SCHOOL, escalated),
        ]
        assert f.outcome_steps() == [] and f.task("revisione_esito_azione") is None
        assert [(s["esito_azione"], s["data_esito"]) for s in f.submitted("esito_azione")] == [
            ("raggiunto", "2027-01-11"), ("in_parte", escalated.isoformat())]
    finally:
        f.close()


def test_a_comune_outside_the_programme_or_the_ambito_is_refused(session, real_forms,
                                                                  territories):
    gallarate = Territory(code="gallarate", name="Ambito di Gallarate", country="IT",
                          region="VA", timezone="Europe/Rome")
    session.add(gallarate)
    session.commit()
    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / "pippi", real_forms, "manager")
    both = frozenset({territories["somma_lombardo"].id, gallarate.id})
    giulia = engine.Actor("giulia", frozenset({"caseworker"}), both)
    for territory, comune in (("somma_lombardo", "varese"), ("gallarate", "ferno")):
        command = engine.StartCase("pippi", territory, "giulia", "Rossi", municipality=comune)
        with pytest.raises(InvalidInput) as refused, unit_of_work(session):
            engine.start_case(session, command, giulia)
        assert [(e.field, e.code) for e in refused.value.errors] == [("municipality", "enum")]
    assert session.scalars(select(Case)).all() == []  # nothing was opened
