"""Open incidents through the API: for the managers of the programme, in their territories
only, worded in the client's language."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

import engine
from engine.commands import incidents
from engine.persistence.models import ProcessInstance
from web.extensions import db


@pytest.fixture
def failed(start_case, web_app):
    """A Familias case in Antofagasta whose timer failed once: its open incident."""
    case_id = start_case()
    with web_app.app_context():
        instance = db.session.scalar(select(ProcessInstance.id)
                                     .where(ProcessInstance.case_id == case_id))
        error = engine.ScriptFailure("td_atraso", "name 'x' is not defined",
                                     {"name": "Plazo vencido"})
        with engine.unit_of_work(db.session):
            incidents.record_failure(db.session, instance, "timer", error,
                                     datetime(2026, 3, 5, tzinfo=UTC))
    return case_id


def test_a_manager_reads_the_open_incidents_of_the_territory(failed, api_as):
    answer = api_as("gestion", roles=("manager",)).get("/api/v1/incidents",
                                                      headers={"Accept-Language": "en"})
    assert answer.status_code == 200 and answer.headers["X-Total-Count"] == "1"
    [incident] = answer.get_json()
    assert (incident["case_id"], incident["kind"], incident["element"], incident["attempts"]) \
        == (failed, "timer", "td_atraso", 1)
    assert (incident["programme"], incident["territory"]) == ("familias", "antofagasta")
    assert incident["code"] == "script.failed" and "automatic step" in incident["detail"]


def test_no_incident_of_another_territory_and_none_for_a_caseworker(failed, api_as):
    serena = api_as("serena", territories=("la_serena",), roles=("manager",))
    assert serena.get("/api/v1/incidents").get_json() == []  # same country, not its cases
    italy = api_as("ambito", territories=("somma_lombardo",), roles=("manager",))
    assert italy.get("/api/v1/incidents").get_json() == []
    refused = api_as("visitas", roles=("caseworker",)).get("/api/v1/incidents")
    assert refused.status_code == 403 and refused.get_json()["code"].startswith("policy.")
