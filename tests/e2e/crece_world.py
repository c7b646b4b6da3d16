"""Comunidad Crece in the e2e app: Coquimbo, its barrio team (Valentina the dupla, Tomás
the tutor, Camila another caseworker, Rodrigo the coordinator) and a case walked up to its
first tutoring. Shared by the routing pages and browser tests."""

from datetime import UTC, datetime

from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.persistence.models import HumanTask, Territory
from tests.conftest import ROOT
from tests.e2e.conftest import PASSWORD, WEB, in_web_app
from tests.templates import Seed
from web.auth.models import User
from web.auth.passwords import hash_password
from web.consents.steps import give_needed_consents
from web.demo_data_crece import derivacion, evaluacion_ingreso, household, pii
from web.extensions import db

TEAM = [("valentina", "Valentina Pizarro", "caseworker"), ("tomas", "Tomás Olivares", "caseworker"),
        ("camila", "Camila Vega", "caseworker"), ("rodrigo", "Rodrigo Cortés", "supervisor")]
JUNE_1 = datetime(2026, 6, 1, 13, tzinfo=UTC)
SYSTEM = engine.Actor("rodrigo", frozenset({"supervisor", "caseworker"}), None)


def add_crece(web_app, password: str) -> None:
    """Coquimbo, its team (with e-mail addresses) and Comunidad Crece deployed, once (a
    module whose ``database_seed`` is :data:`CRECE` has them from the seed)."""
    with web_app.app_context():
        _add_crece(password)


def _add_crece(password: str) -> None:
    if db.session.scalars(select(Territory).where(Territory.code == "coquimbo")).first():
        return
    coquimbo = Territory(code="coquimbo", name="Coquimbo", country="CL", region="CO",
                         timezone="America/Santiago")
    db.session.add(coquimbo)
    for username, name, roles in TEAM:
        db.session.add(User(username=username, full_name=name, roles=roles,
                            email=f"{username}@coquimbo.example",
                            password_hash=hash_password(password), territories=[coquimbo]))
    db.session.commit()
    with unit_of_work(db.session):
        engine.deploy_folder(db.session, ROOT / "processes" / "comunidad_crece",
                             engine.FormLibrary(ROOT / "forms"), "manager")


CRECE = Seed("web_crece", in_web_app(lambda: _add_crece(PASSWORD)), parent=WEB)
"""The e2e people and Familias (:data:`~tests.e2e.conftest.WEB`), with Coquimbo's team and
Comunidad Crece: built once per database kind, for a module's ``database_seed``."""


def tutored_case(web_app, name: str = "Matías Rojas", people: dict | None = None,
                 at: datetime = JUNE_1) -> int:
    """A young person's case (held by Valentina) walked to its first tutoring at ``at``."""
    forms = engine.FormLibrary(ROOT / "forms")
    with web_app.app_context():
        command = engine.StartCase("comunidad_crece", "coquimbo", "valentina", name,
                                   members=household(name),
                                   people={"tutor": "tomas", "coordinador": "rodrigo"}
                                   if people is None else people)
        with unit_of_work(db.session):
            case_id = engine.start_case(db.session, command, SYSTEM, at).id
        day = at.date()
        for bpmn_id, data in (("registrar_derivacion", derivacion(day)),
                              ("evaluacion_ingreso", evaluacion_ingreso(day, "medio")),
                              ("pii", pii(day, con_derivacion=False))):
            complete(case_id, bpmn_id, data, at, forms)
        return case_id


def complete(case_id: int, bpmn_id: str, data: dict, at: datetime, forms=None) -> None:
    """Whoever may do step ``bpmn_id`` of the case does it at ``at``."""
    forms = forms or engine.FormLibrary(ROOT / "forms")
    row = db.session.scalars(select(HumanTask).where(HumanTask.case_id == case_id,
                                                     HumanTask.bpmn_id == bpmn_id)).one()
    who = engine.Actor(row.assignee or "rodrigo", frozenset({row.role}), None)
    give_needed_consents(db.session, forms, row, data, at)  # the signed consents first
    with unit_of_work(db.session):
        if row.assignee is None:
            engine.claim(db.session, row.id, who, at)
        engine.complete(db.session, forms, row.id, data, who, at)


def tasks(web_app, case_id: int) -> dict[str, str | None]:
    """The case's open steps and who holds each."""
    with web_app.app_context():
        rows = db.session.scalars(select(HumanTask).where(HumanTask.case_id == case_id))
        return {row.bpmn_id: row.assignee for row in rows}
