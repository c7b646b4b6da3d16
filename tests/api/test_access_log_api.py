"""Reading a case through the API is a view of its file like any other: the access log
keeps the caller, the case and "api" (its history too); a case outside the caller's
territories is a 404 and leaves no line."""

from sqlalchemy import select

from engine.persistence.access_log_models import AccessLog
from web.api.auth import CLIENT_PREFIX
from web.extensions import db


def _log(web_app) -> list[tuple]:
    with web_app.app_context():
        return [(r.kind, r.what, r.case_id)
                for r in db.session.scalars(select(AccessLog).order_by(AccessLog.id))]


def test_a_clients_reads_of_a_case_and_its_history_are_logged(api_as, start_case, web_app):
    case_id = start_case()
    registry = api_as("registry")
    assert registry.get(f"/api/v1/cases/{case_id}").status_code == 200
    assert registry.get(f"/api/v1/cases/{case_id}/history").status_code == 200
    assert _log(web_app) == [("case_file", f"{case_id} api", case_id),
                             ("case_file", f"{case_id} api history", case_id)]
    with web_app.app_context():
        assert set(db.session.scalars(select(AccessLog.actor))) == {CLIENT_PREFIX + "registry"}
    elsewhere = api_as("comune", territories=("somma_lombardo",))
    assert elsewhere.get(f"/api/v1/cases/{case_id}").status_code == 404
    assert len(_log(web_app)) == 2
