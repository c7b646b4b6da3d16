"""Overdue steps through the API: the *Atrasos* list of the supervisor's territories, paged,
the most late first; nobody else's territory, and nothing for a caseworker."""

from datetime import UTC, datetime

from tests.e2e.conftest import MARCH_2
from tests.entry import sweep
from web.extensions import db

MARCH_30 = datetime(2026, 3, 30, tzinfo=UTC)


def test_a_supervisor_reads_the_overdue_steps_of_the_territory(start_case, api_as, web_app):
    late = [start_case(family, at=MARCH_2) for family in ("Rojas", "Soto", "Tapia")]
    start_case("Vega")  # opened now: not late
    with web_app.app_context():
        sweep(db.session, MARCH_30)
    unit = api_as("unidad", roles=("supervisor",))
    first = unit.get("/api/v1/overdue?per_page=4")
    total = int(first.headers["X-Total-Count"])
    assert first.status_code == 200 and total > 4 and 'rel="next"' in first.headers["Link"]
    rows = first.get_json() + unit.get("/api/v1/overdue?per_page=4&page=2").get_json()
    assert len(rows) == total
    assert sorted(r["case_id"] for r in rows if r["step"] == "primer_contacto") == late
    assert {r["case_id"] for r in rows} == set(late)  # and their reviews, late too by now
    days = [r["days_late"] for r in rows]
    assert days == sorted(days, reverse=True) and min(days) >= 1  # the most late first
    assert {r["territory_name"] for r in rows} == {"Antofagasta"}
    assert {r["family_name"] for r in rows} == {"Rojas", "Soto", "Tapia"}


def test_another_territory_and_a_caseworker_read_none_of_it(start_case, api_as, web_app):
    start_case(at=MARCH_2)
    with web_app.app_context():
        sweep(db.session, MARCH_30)
    italy = api_as("ambito", territories=("somma_lombardo",), roles=("supervisor",))
    elsewhere = italy.get("/api/v1/overdue")
    assert elsewhere.status_code == 200 and elsewhere.get_json() == []
    assert elsewhere.headers["X-Total-Count"] == "0"
    refused = api_as("visitas", roles=("caseworker",)).get("/api/v1/overdue")
    assert refused.status_code == 403 and refused.get_json()["code"].startswith("policy.")
