"""P.I.P.P.I.: ten families per Ambito and implementation ("Presa in carico di 10 famiglie
per ogni implementazione del programma", pippi-somma-lombardo.txt).

processes/pippi/settings.toml, ``[tope_familias]``: 10 families per territory; the current
implementation of Somma Lombardo began on 1 January 2026; a full frame refuses. The signed
consent takes the family in: the first family leaves 9 places, the tenth 0, and the
eleventh's consent is refused on its field with nothing changed. A family that refuses its
consent takes no place.
"""

from datetime import date, datetime, time

import pytest
import time_machine
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.commands import family_frame
from engine.core.errors import InvalidTaskData
from engine.definitions import catalog
from engine.persistence.models import Event, HumanTask, Programme
from engine.programmes.settings import settings_from_dict
from engine.queries.views import family_frame as frame_of_step
from tests.conftest import ROOT
from tests.integration.pippi_driver import ROME
from tests.integration.test_pippi_cycle import people  # noqa: F401
from web import demo_data_pippi as d
from web.consents.steps import give_needed_consents

DAY = date(2026, 3, 2)


@pytest.fixture
def ambito(session, real_forms, people):  # noqa: F811
    """The Ambito on Monday 2 March 2026 at 10:00, P.I.P.P.I. deployed."""
    with time_machine.travel(datetime.combine(DAY, time(10), ROME), tick=False):
        with unit_of_work(session):
            engine.deploy_folder(session, ROOT / "processes" / "pippi", real_forms, "manager")
        yield people


def referred(session, forms, giulia, family: str) -> HumanTask:
    """A family referred and pre-assessed: its consent step, open."""
    command = engine.StartCase("pippi", "somma_lombardo", "giulia", family,
                               municipality="ferno")
    with unit_of_work(session):
        case = engine.start_case(session, command, giulia)
    complete(session, forms, giulia, case.id, "preassessment", d.segnalazione(DAY))
    return step(session, case.id, "consenso")


def step(session, case_id: int, bpmn_id: str) -> HumanTask | None:
    return session.scalars(select(HumanTask).where(HumanTask.case_id == case_id,
                                                   HumanTask.bpmn_id == bpmn_id)).first()


def complete(session, forms, actor, case_id: int, bpmn_id: str, data: dict) -> None:
    row = step(session, case_id, bpmn_id)
    if row.assignee is None:
        with unit_of_work(session):
            engine.claim(session, row.id, actor)
    give_needed_consents(session, forms, row, data)  # the family's signed consent
    with unit_of_work(session):
        engine.complete(session, forms, row.id, data, actor)


def taken(session, case_id: int) -> list[dict]:
    return [e.params for e in session.scalars(select(Event).where(
        Event.case_id == case_id, Event.kind.in_(("frame_taken", "frame_exceeded"))))]


def test_the_eleventh_family_is_refused_and_the_places_left_show(session, real_forms, ambito):
    giulia, _ = ambito
    cases = []
    for n in range(10):
        consent = referred(session, real_forms, giulia, f"Famiglia {n + 1}")
        frame = frame_of_step(session, consent)  # what the consent page shows
        assert (frame.used, frame.capacity, frame.left) == (n, 10, 10 - n)
        complete(session, real_forms, giulia, consent.case_id, "consenso", d.consenso(DAY))
        cases.append(consent.case_id)
    assert [taken(session, c)[0]["left"] for c in cases] == [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]
    assert taken(session, cases[-1]) == [{"step": "Accoglienza e consenso della famiglia",
                                          "used": 10, "capacity": 10, "left": 0,
                                          "territory": "somma_lombardo"}]

    eleventh = referred(session, real_forms, giulia, "Famiglia 11")
    frame = frame_of_step(session, eleventh)
    assert (frame.used, frame.left, frame.full, frame.on_full) == (10, 0, True, "rechazar")
    with pytest.raises(InvalidTaskData) as refused:
        complete(session, real_forms, giulia, eleventh.case_id, "consenso", d.consenso(DAY))
    [error] = refused.value.errors
    assert (error.field, error.code, error.limit) == (
        "consenso_dato", "frame_full",
        {"capacity": 10, "used": 10, "territory": "somma_lombardo", "since": "2026-01-01"})
    session.rollback()
    assert step(session, eleventh.case_id, "consenso") is not None  # still open, unchanged
    assert taken(session, eleventh.case_id) == []

    # refusing the consent takes no place: that family's case simply closes
    complete(session, real_forms, giulia, eleventh.case_id, "consenso",
             d.consenso(DAY, dato=False))
    assert taken(session, eleventh.case_id) == []
    assert frame_of_step(session, referred(session, real_forms, giulia, "Famiglia 12")).used == 10


def test_a_frame_that_warns_takes_the_family_in_and_says_so(session, real_forms, ambito):
    giulia, _ = ambito
    programme = session.get(Programme, "pippi")
    programme.settings = {**programme.settings,
                          "tope_familias": {"por_territorio": 1, "al_superar": "avisar"}}
    session.commit()
    first = referred(session, real_forms, giulia, "Bianchi")
    complete(session, real_forms, giulia, first.case_id, "consenso", d.consenso(DAY))
    second = referred(session, real_forms, giulia, "Neri")
    assert frame_of_step(session, second).full
    complete(session, real_forms, giulia, second.case_id, "consenso", d.consenso(DAY))
    assert step(session, second.case_id, "assessment_t0") is not None  # taken in
    over = {"step": "Accoglienza e consenso della famiglia", "used": 2, "capacity": 1,
            "left": 0, "territory": "somma_lombardo"}
    assert taken(session, second.case_id) == [over, over]  # taken in, and over the frame


def test_the_frame_counts_only_the_current_implementation(session, real_forms, ambito):
    giulia, _ = ambito
    consent = referred(session, real_forms, giulia, "Verdi")  # taken in on 2 March 2026
    complete(session, real_forms, giulia, consent.case_id, "consenso", d.consenso(DAY))
    settings = catalog.settings_of(session.get(Programme, "pippi"))
    frame = settings.values["tope_familias"]
    territory = engine.visible_case(session, consent.case_id, giulia).territory
    for since, used in (("2026-01-01", 1), ("2026-03-02", 1), ("2026-03-03", 0), (None, 1)):
        table = {**frame, "desde": {"somma_lombardo": since} if since else {}}
        changed = settings_from_dict({**settings.values, "tope_familias": table})
        assert family_frame.status(session, changed, "pippi", territory).used == used, since
