"""Erasing one household member: nowhere in the database afterwards, the case still works
and the outcome report still counts it; refused (and recorded) under a legal hold."""

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

import engine
from engine.persistence.models import (
    AuditUnlock,
    CaseMigration,
    Event,
    MigrationBatch,
    PrivacyRequest,
)
from engine.reports import build_report
from tests.integration.acts_driver import record_act
from tests.integration.privacy_driver import (
    CARLA,
    OPENED,
    TOMAS,
    PrivacyFamily,
    administrator,
    erase,
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
def family(session, real_forms, caseworker, supervisor, seed_data):
    """The Rojas Ibáñez family's case, opened on 2 March 2026 (held by Ana)."""
    case = resumed(session, real_forms, caseworker, supervisor, seed_data)
    yield case
    case.close()


@pytest.fixture
def admin(territories):
    return administrator(territories)


def mentions_tomas(f: PrivacyFamily) -> None:
    """Tomás is named in a step's answers, an act's free text and a draft."""
    f.wait_until(date(2026, 3, 4))
    f.complete("primer_contacto", contacto(f.today) | {
        "observaciones": "Se habló con Tomás Ibáñez Rojas (RUT 9.876.543-3)."})
    record_act(f, "contacto_adicional", {"fecha": "2026-03-04", "tipo": "visita",
                                         "resumen": "Visita a TOMAS IBAÑEZ ROJAS, 98765433"},
               f.caseworker)
    row = f.task("ingreso")
    with engine.unit_of_work(f.session):
        if row.assignee is None:
            engine.claim(f.session, row.id, f.caseworker)
        engine.save_draft(f.session, f.forms, row.id,
                          {"motivo_rechazo": "tomas ibanez rojas 9876543-3"}, f.caseworker)
    last = f.events()[-1]  # a notification naming him, as the web's delivery writes them
    f.session.add(Notification(username="jorge", event_id=last.id, case_id=f.case.id,
                               kind="reminder", title="Llamar a Tomás Ibáñez Rojas",
                               created_at=last.at))
    f.session.commit()
    kept_for_rollback(f)


def kept_for_rollback(f: PrivacyFamily) -> None:
    """A migration batch kept the case's state as it is now, to roll it back."""
    instance = f.instance()
    batch = MigrationBatch(programme_key="familias", from_definition_id=instance.definition_id,
                           to_definition_id=instance.definition_id, created_by="marta",
                           created_at=instance.updated_at)
    f.session.add(batch)
    f.session.flush()
    f.session.add(CaseMigration(batch_id=batch.id, case_id=f.case.id, instance_id=instance.id,
                                state_before=instance.state,
                                definition_before=instance.definition_id))
    f.session.commit()


def test_an_erased_member_is_nowhere_and_the_case_goes_on_and_still_counts(
        family, session, admin):
    mentions_tomas(family)
    before = {t for t, _, _ in found_anywhere(session, forms_of(TOMAS))}
    assert {"household", "event", "process_instance", "human_task", "notification",
            "case_migration"} <= before

    request = erase(session, admin, family.case.household_id, 1)

    assert request.status == "done"
    assert found_anywhere(session, forms_of(TOMAS)) == []
    kept = household(session, family.case)
    assert [m["name"] for m in kept.members] == [CARLA["name"], "[anonimizado]"]
    assert kept.members[1] == {"name": "[anonimizado]", "age": 9, "relationship": "child"}
    assert kept.national_key is None or kept.national_key != "98765433"
    assert found_anywhere(session, forms_of(CARLA)[:1]), "Carla stays"
    # the workflow still loads and works: the family withdraws, the report counts it
    family.check_round_trip()
    record_act(family, "desistimiento", {"fecha": "2026-03-05", "motivo": "decision_familia",
                                         "detalle": "La familia decide no seguir"},
               family.caseworker)
    assert family.refreshed_case().outcome == "desistimiento"
    report = build_report(session, "familias", [family.case.territory_id])
    assert report.breakdown("cierres").row("Desistimiento")[0] == 1
    assert report.rows[0]["integrantes"] == 2
    erased = session.scalars(select(Event).where(Event.kind == "personal_data_erased")).one()
    assert erased.params == {"request": request.id, "kind": "erasure"}
    assert request.counts["history"] >= 1 and request.counts["workflow"] == 1
    kept = session.scalars(select(CaseMigration)).one()
    assert kept.state_before is not None, "the kept state was rewritten, not dropped"


def test_an_open_protection_case_holds_the_data_and_the_refusal_is_recorded(
        family, session, admin):
    family.wait_until(date(2026, 3, 4))
    record_act(family, "alerta_proteccion", {"fecha": "2026-03-04", "gravedad": "urgente",
                                             "descripcion": "Tomás Ibáñez Rojas en riesgo"},
               family.caseworker)
    before = found_anywhere(session, forms_of(TOMAS))

    request = erase(session, admin, family.case.household_id, 1)

    assert (request.status, request.reason) == ("refused", "privacy.legal_hold")
    assert request.params == {"case": family.case.id, "act": "alerta_proteccion"}
    assert found_anywhere(session, forms_of(TOMAS)) == before
    kept = session.scalars(select(PrivacyRequest)).one()
    assert (kept.kind, kept.status, kept.requested_by) == ("erasure", "refused", "admin.cl")


def test_the_audit_trail_stays_append_only_outside_an_erasure(family, session):
    from sqlalchemy import update

    with pytest.raises(Exception, match="append-only"), session.begin_nested():
        session.execute(update(Event).where(Event.case_id == family.case.id)
                        .values(title="x"))
    session.rollback()


def test_only_administrators_of_the_country_erase(family, session, caseworker):
    with pytest.raises(engine.NotAllowed):
        erase(session, caseworker, family.case.household_id, 1)
    assert session.scalars(select(PrivacyRequest)).all() == []


def test_the_erasure_rewrites_the_reasons_of_the_access_log_and_nothing_else_of_it(
        family, session, admin, supervisor):
    with engine.unit_of_work(session):
        for reason in ("Llamada de Tomás Ibáñez Rojas, RUT 9.876.543-3",
                       "Revisión mensual del caso"):
            engine.log_view(session, supervisor, "case_file", str(family.case.id),
                            family.case, reason=reason)
    before = session.execute(text(
        "SELECT id, at, actor, kind, what, case_id FROM access_log ORDER BY id")).all()

    erase(session, admin, family.case.household_id, 1)

    reasons = session.scalars(text("SELECT reason FROM access_log ORDER BY id")).all()
    assert reasons[-2:] == ["Llamada de [anonimizado] Ibáñez Rojas, RUT [anonimizado]",
                            "Revisión mensual del caso"]  # the surnames are the family's
    assert session.execute(text(
        "SELECT id, at, actor, kind, what, case_id FROM access_log ORDER BY id")).all() == before
    assert not [f for f in found_anywhere(session, forms_of(TOMAS)) if f[0] == "access_log"]


def test_the_access_log_stays_append_only_outside_an_erasure_and_inside_keeps_each_view(
        family, session, supervisor):
    with engine.unit_of_work(session):
        engine.log_view(session, supervisor, "case_file", str(family.case.id), family.case,
                        reason="Motivo")
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text("UPDATE access_log SET reason = 'x'"))
    session.rollback()
    request = PrivacyRequest(kind="erasure", status="done", requested_by="admin.cl",
                             at=family.case.opened_at, counts={})
    session.add(request)
    session.flush()
    session.add(AuditUnlock(case_id=family.case.id, request_id=request.id))
    session.flush()
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text("UPDATE access_log SET actor = 'mallory'"))  # who looked stays
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text("DELETE FROM access_log"))
    session.rollback()
