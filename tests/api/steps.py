"""What the API tests read of a case straight from the database (to check what the API said)."""

from sqlalchemy import select

from engine.persistence.models import Event, HumanTask
from web.extensions import db

CONTACT = {"familia_ubicada": True, "fecha_contacto": "2026-03-03", "intentos": 2}


def open_tasks(app, case_id: int) -> dict[str, str]:
    """The case's open steps: BPMN id → task id."""
    with app.app_context():
        rows = db.session.scalars(select(HumanTask).where(HumanTask.case_id == case_id))
        return {row.bpmn_id: row.id for row in rows}


def event_kinds(app, case_id: int) -> list[str]:
    """The kinds of the case's events, in order."""
    with app.app_context():
        query = select(Event.kind).where(Event.case_id == case_id).order_by(Event.id)
        return list(db.session.scalars(query))


def deploy_mensajes(app) -> None:
    """Deploy the ``mensajes`` test process (a visit, then a wait for the documents another
    service sends, then their review), enabled in every Chilean territory."""
    import engine
    from tests.conftest import FIXTURES

    with app.app_context():
        forms = engine.FormLibrary(FIXTURES / "forms")
        with engine.unit_of_work(db.session):
            engine.deploy_folder(db.session, FIXTURES / "mensajes", forms, "tester")
