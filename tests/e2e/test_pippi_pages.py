"""P.I.P.P.I. pages: a family is opened in its comune (whose calendar its deadlines count
in), a comune the Ambito does not have is refused beside its field, and the consent page
shows how many of the Ambito's 10 places of the implementation are used and left."""

from datetime import date
from html import unescape

from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.persistence.models import Case, HumanTask
from tests.conftest import ROOT
from web import demo_data_pippi as d
from web.extensions import db

GIULIA = engine.Actor("giulia", frozenset({"caseworker"}), None)

FORM = {"programme": "pippi", "family_name": "Colombo", "territory": "somma_lombardo",
        "caseworker": "giulia"}


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


def deployed(web_app) -> None:
    with web_app.app_context(), unit_of_work(db.session):
        engine.deploy_folder(db.session, ROOT / "processes" / "pippi",
                             web_app.extensions["acompana.forms"], "manager")


def test_a_family_opens_in_its_comune_and_its_consent_page_shows_the_places(as_person,
                                                                             web_app):
    deployed(web_app)
    giulia = as_person("giulia")
    form = page(giulia.get("/cases/new"))
    assert '<option value="ferno">Ferno</option>' in form
    response = giulia.post("/cases/new", {**FORM, "municipality": "ferno"},
                           token_from="/cases/new")
    assert response.status_code == 302
    with web_app.app_context():
        case = db.session.scalars(select(Case)).one()
        assert case.municipality == "ferno"
    with web_app.app_context():  # the pre-assessment, done as the équipe would
        row = db.session.scalars(select(HumanTask).where(
            HumanTask.case_id == case.id, HumanTask.bpmn_id == "preassessment")).one()
        with unit_of_work(db.session):
            engine.complete(db.session, web_app.extensions["acompana.forms"], row.id,
                            d.segnalazione(date(2026, 3, 2)), GIULIA)
    text = page(giulia.get(f"/tasks/{giulia.open_tasks(case.id)['consenso']}"))
    assert 'class="family-frame"' in text
    assert ("Famiglie prese in carico in questa implementazione: 0 di 10 (ne restano 10)."
            in text)


def test_a_comune_the_ambito_does_not_have_is_refused_beside_its_field(as_person, web_app):
    deployed(web_app)
    giulia = as_person("giulia")
    response = giulia.post("/cases/new", {**FORM, "municipality": "varese"},
                           token_from="/cases/new")
    assert response.status_code == 422
    assert 'id="municipality-error">' in page(response)
    with web_app.app_context():
        assert db.session.scalars(select(Case)).all() == []
