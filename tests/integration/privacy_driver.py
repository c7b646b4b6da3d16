"""What the privacy tests share: a Familias case whose household names two people with their
RUTs, and a search of every column of every table for what an erasure must leave nowhere."""

import json
from datetime import date

from sqlalchemy import inspect, select, text

import engine
from engine.commands.privacy.redaction import fold
from engine.persistence.models import Household
from tests.conftest import ana, jorge
from tests.integration.acts_driver import case_seed
from tests.integration.familias_driver import FamiliaCase

CARLA = {"name": "Carla Rojas", "age": 34, "relationship": "head",
         "national_id": "15.678.901-1"}
TOMAS = {"name": "Tomás Ibáñez Rojas", "age": 9, "relationship": "child",
         "national_id": "9.876.543-3", "birth_date": "2017-05-04"}
FAMILY = "Rojas Ibáñez"
ALLOCATED = date(2026, 3, 2)


class PrivacyFamily(FamiliaCase):
    """The Rojas Ibáñez family: Carla and her son Tomás, each with a RUT."""

    def __init__(self, session, forms, caseworker, supervisor, allocated: date = ALLOCATED):
        FamiliaCase.__bases__[0].__init__(self, session, forms, caseworker, supervisor,
                                          allocated)
        self.open_case("antofagasta", caseworker.id, FAMILY, [dict(CARLA), dict(TOMAS)],
                       supervisor)


def forms_of(member: dict) -> list[str]:
    """Every way a member's name and RUT may be written."""
    number = member["national_id"]
    return [member["name"], number, number.replace(".", ""),
            number.replace(".", "").replace("-", "")]


def found_anywhere(session, needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for each column of each table of the database holding one of
    ``needles`` (case and accents ignored; JSON, serialized state and bytes read as text)."""
    session.flush()
    wanted = [fold(n) for n in needles]
    bind = session.connection()
    found = []
    for table in inspect(bind).get_table_names():
        columns = [c["name"] for c in inspect(bind).get_columns(table)]
        for row in bind.execute(text(f'SELECT * FROM "{table}"')).mappings():
            for column in columns:
                shown = fold(as_text(row[column]))
                found += [(table, column, n) for n in wanted if n in shown]
    return found


def as_text(value) -> str:
    """A stored value as text: bytes decoded, JSON (also escaped JSON text) written out."""
    if value is None:
        return ""
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "ignore")
    if isinstance(value, str) and value[:1] in "{[":
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def household(session, case) -> Household:
    """The case's household as the database holds it now."""
    session.expire_all()
    return session.scalars(select(Household).where(Household.id == case.household_id)).one()


def erase(session, actor, household_id: int, member: int):
    """Erase one member in its own unit of work; the request."""
    with engine.unit_of_work(session):
        return engine.privacy.erase_member(session, actor, household_id, member)


OPENED = case_seed("privacy_familias", "familias", [], lambda session, forms, t: PrivacyFamily(
    session, forms, ana(t), jorge(t)))


def resumed(session, forms, caseworker, supervisor, case_id: int) -> PrivacyFamily:
    """The seed's case, its clock at 09:00 on the day it opened."""
    return PrivacyFamily.resume(session, forms, case_id, ALLOCATED, caseworker=caseworker,
                                supervisor=supervisor)


def administrator(territories) -> engine.Actor:
    """An administrator of Antofagasta (of Chile, then)."""
    return engine.Actor("admin.cl", frozenset({"admin"}),
                        frozenset({territories["antofagasta"].id}))
