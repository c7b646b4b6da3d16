"""The retention run: a household whose cases all closed more than the programme's years ago
is anonymised (names, RUTs, free text, notifications) while the outcome report still counts
its case; before that day it is not even listed. Time is moved with the case's clock."""

from datetime import UTC, date, datetime

import pytest

import engine
from engine.reports import build_report
from tests.integration.acts_driver import record_act
from tests.integration.privacy_driver import (
    CARLA,
    FAMILY,
    OPENED,
    TOMAS,
    administrator,
    forms_of,
    found_anywhere,
    household,
    resumed,
)
from web.demo_data import contacto
from web.notifications.models import Notification


@pytest.fixture
def database_seed():
    return OPENED


@pytest.fixture
def closed(session, real_forms, caseworker, supervisor, seed_data):
    """The family, named in free text and a protection alert, withdraws on 5 March 2026."""
    f = resumed(session, real_forms, caseworker, supervisor, seed_data)
    f.wait_until(date(2026, 3, 4))
    done = f.complete("primer_contacto", contacto(f.today) | {"observaciones": "Habla Carla Rojas"})
    with engine.unit_of_work(session):
        engine.attach_document(session, done.id, "consentimiento", "carla-rojas.pdf",
                               b"%PDF-1.4 Consentimiento firmado por Carla Rojas 15.678.901-1",
                               f.caseworker)
    record_act(f, "alerta_proteccion", {"fecha": "2026-03-04", "gravedad": "media",
                                        "descripcion": "Tomás Ibáñez Rojas falta al colegio"},
               f.caseworker)
    notify(session, f, f"Alerta de protección · {FAMILY}")
    f.wait_until(date(2026, 3, 5))
    record_act(f, "desistimiento", {"fecha": "2026-03-05", "motivo": "decision_familia",
                                    "detalle": "Carla Rojas prefiere no seguir"}, f.caseworker)
    yield f
    f.close()


def notify(session, f, title: str) -> None:
    """A notification of the case's last event, as the web's delivery writes them."""
    last = f.events()[-1]
    session.add(Notification(username="jorge", event_id=last.id, case_id=f.case.id,
                             kind="alert", title=title, created_at=last.at))
    session.commit()


def run(session, actor, dry_run: bool = False):
    with engine.unit_of_work(session, dry_run=dry_run):
        return engine.privacy.run_retention(session, actor)


def test_a_closed_case_is_anonymised_once_past_retention_and_still_counted(
        closed, session, territories):
    admin = administrator(territories)
    everyone = forms_of(CARLA) + forms_of(TOMAS) + [FAMILY]
    assert {"notification", "event", "process_instance", "document"} <= {
        t for t, _, _ in found_anywhere(session, everyone)}

    closed.clock.move_to(datetime(2031, 3, 4, 12, tzinfo=UTC))  # five years less a day
    assert engine.privacy.due_households(session, admin) == []
    assert run(session, admin).requests == []

    closed.clock.move_to(datetime(2031, 3, 6, 9, tzinfo=UTC))
    [due] = engine.privacy.due_households(session, admin)
    assert (due.household_id, due.case_ids, due.family_name) == (
        closed.case.household_id, (closed.case.id,), FAMILY)
    assert run(session, admin, dry_run=True).due == [due]
    assert found_anywhere(session, [FAMILY]), "a dry run changes nothing"

    done = run(session, admin)

    assert len(done.requests) == 1
    assert found_anywhere(session, everyone) == []
    assert found_anywhere(session, ["falta al colegio", "prefiere no seguir"]) == []
    kept = household(session, closed.case)
    assert (kept.family_name, kept.address, kept.national_key) == ("[anonimizado]", None, None)
    assert [m["age"] for m in kept.members] == [34, 9]
    report = build_report(session, "familias", [closed.case.territory_id])
    assert report.breakdown("cierres").row("Desistimiento")[0] == 1
    assert report.rows[0]["integrantes"] == 2
    assert engine.privacy.due_households(session, admin) == [], "never twice"
