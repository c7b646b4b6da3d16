"""Urgent steps reach a named person at once: a Comunidad Crece rights alert goes to the
case's coordinator (not a pool nobody owns), who is notified in the app and by an e-mail
sent through a real local SMTP server once the step's transaction has committed; with
nobody named, every coordinator of the territory is notified."""

from datetime import date
from email.header import decode_header, make_header

import pytest
from sqlalchemy import select

import engine
import web.notifications.delivery  # noqa: F401 - notifies on the engine's events
from engine import unit_of_work
from tests.conftest import ROOT
from tests.integration.crece_driver import CreceCase, add_coquimbo, team, to_the_first_tutoring
from web.auth.models import User
from web.demo_data_crece import derivacion, evaluacion_ingreso, pii, tutoria
from web.notifications.models import Notification


@pytest.fixture
def barrio(session, real_forms, app, smtp_server):
    """Coquimbo's team with e-mail addresses, Comunidad Crece deployed, mail to ``smtp_server``."""
    coquimbo = add_coquimbo(session)
    for username, name, roles in (("valentina", "Valentina Pizarro", "caseworker"),
                                  ("tomas", "Tomás Olivares", "caseworker"),
                                  ("rodrigo", "Rodrigo Cortés", "supervisor"),
                                  ("ines", "Inés Cáceres", "supervisor")):
        session.add(User(username=username, full_name=name, roles=roles, password_hash="-",
                         email=f"{username}@coquimbo.test", territories=[coquimbo]))
    session.commit()
    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / "comunidad_crece", real_forms,
                             "manager")
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server[0],
                      MAIL_FROM="acompana@coquimbo.test")
    with app.app_context():
        yield team(coquimbo)


def _alert(session, forms, people, named: dict) -> CreceCase:
    c = CreceCase(session, forms, people, date(2026, 6, 1))
    if named != {"tutor": "tomas", "coordinador": "rodrigo"}:
        c.case.people = named
        session.commit()
    to_the_first_tutoring(c)  # 19 June
    c.complete("tutoria", tutoria(c.today, alerta=True), by="tomas")
    return c


def _mails(received) -> list[tuple[str, str]]:
    return [(m["To"], str(make_header(decode_header(m["Subject"])))) for m in received]


def test_a_rights_alert_goes_to_the_case_coordinator_with_a_mail(session, real_forms, barrio,
                                                                 smtp_server):
    c = _alert(session, real_forms, barrio, {"tutor": "tomas", "coordinador": "rodrigo"})
    try:
        urgent = c.task("atender_alerta")
        assert (urgent.role, urgent.assignee) == ("supervisor", "rodrigo")
        assert [(e.params["to"], e.data["task"]) for e in c.events("urgent")] == [
            ("rodrigo", urgent.id)]
        kinds = session.execute(select(Notification.username, Notification.kind).where(
            Notification.case_id == c.case.id, Notification.kind == "urgent")).all()
        assert kinds == [("rodrigo", "urgent")]
        assert _mails(smtp_server[1]) == [(
            "rodrigo@coquimbo.test",
            "Acompaña: paso urgente — Atender alerta de vulneración de derechos · "
            "Matías Rojas")]
        body = smtp_server[1][0].get_payload(decode=True).decode()
        assert body.startswith("Hola Rodrigo Cortés:")
        sent = session.scalars(select(Notification).where(Notification.kind == "urgent")).one()
        assert sent.emailed_at is not None  # the outbox is empty: never sent twice
        assert web.notifications.outbox.send_pending(session, object()) == 0
    finally:
        c.close()


def test_with_nobody_named_every_coordinator_of_the_territory_hears_of_it(session,
                                                                          real_forms,
                                                                          barrio, smtp_server):
    c = _alert(session, real_forms, barrio, {"tutor": "tomas"})
    try:
        assert c.task("atender_alerta").assignee is None
        notified = session.scalars(select(Notification.username).where(
            Notification.kind == "urgent").order_by(Notification.username)).all()
        assert notified == ["ines", "rodrigo"]
        assert sorted(to for to, _ in _mails(smtp_server[1])) == ["ines@coquimbo.test",
                                                          "rodrigo@coquimbo.test"]
    finally:
        c.close()


def test_an_undone_step_mails_nobody(session, real_forms, barrio, smtp_server):
    c = CreceCase(session, real_forms, barrio, date(2026, 6, 1))
    try:
        c.complete("registrar_derivacion", derivacion(c.today))
        c.wait_until(date(2026, 6, 8))
        c.complete("evaluacion_ingreso", evaluacion_ingreso(c.today, "medio"))
        c.wait_until(date(2026, 6, 15))
        c.complete("pii", pii(c.today, con_derivacion=False))
        row = c.task("tutoria")
        with pytest.raises(RuntimeError), unit_of_work(session):
            engine.complete(session, real_forms, row.id, tutoria(c.today, alerta=True),
                            barrio["tomas"])
            raise RuntimeError("the request failed after the step")
        assert c.task("atender_alerta") is None
        assert smtp_server[1] == [] and session.scalars(select(Notification)).all() == []
    finally:
        c.close()
