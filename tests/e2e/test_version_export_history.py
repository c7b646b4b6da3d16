"""Taking a version out is audited: each export (the modeler's download, ``flask process
export``) is a ``version_exported`` event of the programme's history (who, when, which
version), shown where the modeler history shows imports; a refused export records nothing."""

import re

from sqlalchemy import select

from engine.persistence.models import ProgrammeEvent
from tests.e2e.conftest import PASSWORD, Browser, csrf_of
from web.auth.models import User
from web.auth.passwords import hash_password
from web.extensions import db

BASE = "/programmes/familias/modeler"


def _marta(web_app) -> Browser:
    """Marta, a manager of Antofagasta (where Programa Familias runs), signed in."""
    from engine.persistence.models import Territory
    with web_app.app_context():
        place = db.session.scalars(select(Territory).where(Territory.code == "antofagasta")).one()
        db.session.add(User(username="marta", full_name="Marta Rivas", roles="manager",
                            password_hash=hash_password(PASSWORD), territories=[place]))
        db.session.commit()
    browser = Browser(web_app.test_client())
    assert browser.login("marta").status_code == 302
    browser.token = csrf_of(browser.get("/").get_data(as_text=True))
    return browser


def _exports(web_app) -> list[tuple[str, int, str]]:
    with web_app.app_context():
        rows = db.session.scalars(select(ProgrammeEvent).where(
            ProgrammeEvent.kind == "version_exported").order_by(ProgrammeEvent.id))
        return [(e.actor, e.data["version"], e.data["via"]) for e in rows]


def test_each_export_is_in_the_programme_history_with_who_and_which_version(web_app,
                                                                            tmp_path):
    marta = _marta(web_app)
    assert marta.get(BASE + "/export?version=1").status_code == 200
    result = web_app.test_cli_runner().invoke(args=[
        "process", "export", "familias", "--by", "ops", "-o", str(tmp_path / "f.zip")])
    assert result.exit_code == 0, result.output
    assert _exports(web_app) == [("marta", 1, "web"), ("ops", 1, "cli")]
    lines = marta.get(BASE + "/history").get_json()["lines"]
    assert re.search(r" · Marta Rivas · exportó la versión 1$", lines[1])
    assert lines[0].endswith(" · ops · exportó la versión 1")
    assert "exportó la versión 1" in marta.get(BASE).get_data(as_text=True)


def test_the_history_line_reads_in_the_readers_language(web_app):
    marta = _marta(web_app)
    marta.get(BASE + "/export")
    with web_app.app_context():
        db.session.scalars(select(User).where(User.username == "marta")).one().locale = "it"
        db.session.commit()
    assert marta.get(BASE + "/history").get_json()["lines"][0].endswith(
        " · Marta Rivas · ha esportato la versione 1")


def test_a_refused_or_missing_version_records_no_export(web_app):
    marta = _marta(web_app)
    assert marta.get(BASE + "/export?version=9").status_code == 404
    result = web_app.test_cli_runner().invoke(args=[
        "process", "export", "familias", "--version", "9", "-o", "/tmp/never.zip"])
    assert result.exit_code != 0
    assert _exports(web_app) == []
