"""What the instruments pages' tests share: a Familias case walked to its diagnosis, the
official Matriz list as a file, and an upload as a browser sends it."""

import io
from datetime import UTC, datetime

from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.persistence.models import HumanTask
from tests.e2e.conftest import csrf_of
from web import demo_data
from web.extensions import db

ANA = engine.Actor("ana", frozenset({"caseworker"}), None)
PAGE = "/programmes/familias/instruments"
LOAD = PAGE + "/matriz_bienestar/load"
DIMENSIONS = ("salud", "educacion", "trabajo_seguridad_social", "vivienda_entorno",
              "ingresos")


def official_csv(count: int = 63) -> bytes:
    """The official list: ``count`` indicators over the five dimensions (semicolons, as a
    spreadsheet in Spanish saves it, with a byte-order mark)."""
    lines = ["codigo;dimension;texto;programas;oficial"]
    lines += [f"i{n};{DIMENSIONS[n % 5]};Indicador oficial {n} de la Matriz.;"
              f"{'Habitabilidad' if n == 7 else ''};sí" for n in range(1, count + 1)]
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def at_diagnosis(web_app, start_case, family: str) -> str:
    """A Familias case of ``family`` with first contact and entry done: its diagnosis task."""
    case_id = start_case(family)
    day = datetime.now(UTC).date()
    with web_app.app_context():
        forms = web_app.extensions["acompana.forms"]
        for bpmn_id, data in (("primer_contacto", demo_data.contacto(day)),
                              ("ingreso", demo_data.ingreso(day))):
            task = db.session.scalars(select(HumanTask).where(
                HumanTask.case_id == case_id, HumanTask.bpmn_id == bpmn_id)).one()
            with unit_of_work(db.session):
                engine.complete(db.session, forms, task.id, data, ANA)
        task_id = db.session.scalar(select(HumanTask.id).where(
            HumanTask.case_id == case_id, HumanTask.bpmn_id == "diagnostico"))
        db.session.remove()
    return task_id


def upload(person, content: bytes, filename: str = "matriz.csv", revision: str = ""):
    """Send ``content`` as the page's upload form does."""
    token = csrf_of(person.get(PAGE).get_data(as_text=True))
    return person.client.post(LOAD, data={"csrf_token": token, "revision": revision,
                                          "archivo": (io.BytesIO(content), filename)},
                              content_type="multipart/form-data")


def publish(person, revision: int):
    """Press *Publicar el borrador* on the page."""
    token = csrf_of(person.get(PAGE).get_data(as_text=True))
    return person.client.post(PAGE + "/publish", data={"csrf_token": token,
                                                       "revision": str(revision),
                                                       "comentario": "Lista oficial"})
