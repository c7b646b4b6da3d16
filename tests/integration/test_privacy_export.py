"""A household member's data on request: the export lists the member and, section by
section, what the family's cases hold — checked field by field — and is recorded."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

import engine
from engine.persistence.models import PrivacyRequest
from tests.integration.acts_driver import record_act
from tests.integration.privacy_driver import FAMILY, OPENED, administrator, resumed
from web.demo_data import contacto


@pytest.fixture
def database_seed():
    return OPENED


@pytest.fixture
def family(session, real_forms, caseworker, supervisor, seed_data):
    f = resumed(session, real_forms, caseworker, supervisor, seed_data)
    f.wait_until(date(2026, 3, 4))
    f.complete("primer_contacto", contacto(f.today) | {"observaciones": "Tomás en casa"})
    record_act(f, "contacto_adicional", {"fecha": "2026-03-04", "tipo": "llamada",
                                         "resumen": "Llamada a Tomás"}, f.caseworker)
    yield f
    f.close()


def export(session, actor, household_id: int, member: int):
    with engine.unit_of_work(session):
        return engine.privacy.export_member(session, actor, household_id, member)


def test_the_export_lists_the_member_and_everything_the_cases_hold(family, session, territories):
    admin = administrator(territories)
    family.at(16)
    got = export(session, admin, family.case.household_id, 1).as_json()

    assert got["household"] == family.case.household_id
    assert got["family_name"] == FAMILY
    assert got["generated_at"] == datetime(2026, 3, 4, 19, tzinfo=UTC).isoformat()
    assert got["member"] == {"name": "Tomás Ibáñez Rojas", "age": 9, "relationship": "child",
                             "national_id": "9.876.543-3", "birth_date": "2017-05-04"}
    sections = got["sections"]
    [house] = sections["household"]
    assert house["members"] == [{"name": "Tomás Ibáñez Rojas", "age": 9,
                                 "birth_date": "2017-05-04", "relationship": "child",
                                 "national_id": "98765433"}]
    [case] = sections["cases"]
    assert (case["id"], case["programme"], case["status"], case["caseworker"],
            case["territory"], case["outcome"]) == (
        family.case.id, "familias", "open", "ana", "Antofagasta", None)
    assert case["opened_at"].startswith("2026-03-02")
    kinds = [e["kind"] for e in sections["history"]]
    assert kinds[0] == "case_started" and "act_recorded" in kinds
    contact = next(e for e in sections["history"] if e["kind"] == "task_completed")
    assert contact["data"]["submitted"]["observaciones"] == "Tomás en casa"
    assert contact["actor"] == "ana"
    act = next(e for e in sections["history"] if e["kind"] == "act_recorded")
    assert act["data"]["submitted"] == {"fecha": "2026-03-04", "tipo": "llamada",
                                        "resumen": "Llamada a Tomás"}
    assert [s["title"] for s in sections["steps"]] == [t.title for t in family.open_tasks()]
    assert sections["documents"] == [] and sections["notifications"] == []
    request = session.scalars(select(PrivacyRequest)).one()
    assert (request.kind, request.status, request.member, request.requested_by) == (
        "export", "done", 1, "admin.cl")
    assert request.counts["history"] == len(sections["history"])


def test_a_member_the_household_does_not_have_is_refused(family, session, territories):
    with pytest.raises(engine.NotFound) as refused:
        export(session, administrator(territories), family.case.household_id, 7)
    assert refused.value.code == "privacy.no_such_member"
    assert session.scalars(select(PrivacyRequest)).all() == []
