"""Triple P in the e2e app: La Serena's team (Lucía facilitates, Carmen coordinates), the
process deployed with three workshop places, and families walked to their first session:
21 in the seminars (a charla lists 20 to 200), 3 in the workshop (its places all taken), and
one just referred, at its enrolment. Built once per database kind (:data:`TRIPLE_P`).

The cases are opened yesterday on the real clock: the pages run on it, and a seminar's
window (56 days) must not have closed by the time a test records a session.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.definitions.parsing import read_sources
from engine.persistence.models import HumanTask, Territory
from engine.programmes.settings import read_settings_file
from tests.conftest import ROOT
from tests.e2e.conftest import PASSWORD, WEB, in_web_app
from tests.templates import Seed
from web.auth.models import User
from web.auth.passwords import hash_password
from web.consents.steps import give_needed_consents
from web.demo_data_triple_p import MEMBERS, cuestionarios_iniciales, inscripcion
from web.extensions import db

TEAM = [("lucia", "Lucía Fernández", "caseworker"), ("carmen", "Carmen Rojas", "supervisor")]
FACILITATOR = engine.Actor("lucia", frozenset({"caseworker"}), None)
TALKS, WORKSHOP = 21, 3


def _build() -> dict:
    la_serena = db.session.scalars(select(Territory).where(Territory.code == "la_serena")).one()
    for username, name, roles in TEAM:
        db.session.add(User(username=username, full_name=name, roles=roles,
                            password_hash=hash_password(PASSWORD), territories=[la_serena]))
    db.session.commit()
    forms = engine.FormLibrary(ROOT / "forms")
    folder = ROOT / "processes" / "triple_p"
    settings = read_settings_file(folder)
    settings["cupos"]["la_serena"]["talleres"] = WORKSHOP
    with unit_of_work(db.session):
        engine.deploy(db.session, read_sources(folder), settings, forms, "marta")
    at = datetime.now(UTC) - timedelta(days=1)
    talks = [_walked(forms, f"Charla {i:02d}", "charlas", at) for i in range(TALKS)]
    workshop = [_walked(forms, f"Taller {i}", "talleres", at) for i in range(WORKSHOP)]
    newcomer = _referred("Araya Cortés", at)
    return {"talks": talks, "workshop": workshop, "newcomer": newcomer}


def _referred(name: str, at: datetime) -> int:
    command = engine.StartCase("triple_p", "la_serena", "lucia", name,
                               members=MEMBERS)
    with unit_of_work(db.session):
        return engine.start_case(db.session, command, FACILITATOR, at).id


def _walked(forms, name: str, modality: str, at: datetime) -> int:
    case_id = _referred(name, at)
    complete(forms, case_id, "inscripcion", inscripcion(at.date(), modality), at)
    complete(forms, case_id, "cuestionarios_iniciales", cuestionarios_iniciales(at.date()), at)
    return case_id


def complete(forms, case_id: int, step: str, data: dict, at: datetime | None = None) -> None:
    """Lucía completes the case's open ``step``."""
    task_id = task_of(case_id, step)
    give_needed_consents(db.session, forms, db.session.get(HumanTask, task_id), data, at)
    with unit_of_work(db.session):
        engine.complete(db.session, forms, task_id, data, FACILITATOR, at)


def task_of(case_id: int, step: str) -> str | None:
    """The id of the case's open ``step`` (None when it has none)."""
    return db.session.scalar(select(HumanTask.id).where(HumanTask.case_id == case_id,
                                                        HumanTask.bpmn_id == step))


TRIPLE_P = Seed("web_triple_p", in_web_app(_build), parent=WEB)
