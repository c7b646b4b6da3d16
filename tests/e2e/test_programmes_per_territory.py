"""The new-case page offers the programmes enabled in the person's territories, and a
programme is opened only in a territory that runs it (Familias is Chilean: never in Italy)."""

from sqlalchemy import func, select

from engine.persistence.models import Case, Territory
from web.auth.models import User
from web.extensions import db


def _cases(web_app) -> int:
    with web_app.app_context():
        return db.session.scalar(select(func.count(Case.id)))


def test_the_page_offers_only_the_programmes_enabled_where_the_person_works(as_person):
    assert 'value="familias"' in as_person("ana").get("/cases/new").get_data(as_text=True)
    page = as_person("giulia").get("/cases/new").get_data(as_text=True)  # Somma Lombardo
    assert 'value="somma_lombardo"' in page and 'value="familias"' not in page


def test_a_programme_is_not_opened_where_it_is_not_enabled(as_person, web_app):
    with web_app.app_context():  # Jorge heads both units, so both are on his form
        jorge = db.session.scalars(select(User).where(User.username == "jorge")).one()
        jorge.territories = db.session.scalars(select(Territory)).all()
        db.session.commit()
    jorge = as_person("jorge")
    response = jorge.post("/cases/new", {"family_name": "Vega", "programme": "familias",
                                         "territory": "somma_lombardo", "caseworker": "giulia"},
                          token_from="/cases/new")
    assert response.status_code == 422
    assert "Este programa no está habilitado en Ambito di Somma Lombardo." in response.get_data(
        as_text=True)
    assert _cases(web_app) == 0
    response = jorge.post("/cases/new", {"family_name": "Vega", "programme": "familias",
                                         "territory": "antofagasta", "caseworker": "ana"},
                          token_from="/cases/new")
    assert response.status_code == 302 and _cases(web_app) == 1


def test_nobody_is_given_a_programme_they_did_not_choose(as_person, web_app):
    """With Familias and Triple P both run in Antofagasta, the form starts on "Elija un
    programa…" and a form sent without choosing says so beside the field, opening nothing."""
    import engine
    from tests.conftest import ROOT

    with web_app.app_context(), engine.unit_of_work(db.session):
        engine.deploy_folder(db.session, ROOT / "processes" / "triple_p",
                             web_app.extensions["acompana.forms"], "manager")
    ana = as_person("ana")
    page = ana.get("/cases/new").get_data(as_text=True)
    assert ('<select id="programme" name="programme" required>'
            '<option value="">Elija un programa…</option>') in page
    assert 'value="familias"' in page and 'value="triple_p"' in page
    response = ana.post("/cases/new", {"family_name": "Vega", "programme": "",
                                       "territory": "antofagasta", "caseworker": "ana"},
                        token_from="/cases/new")
    assert response.status_code == 422 and _cases(web_app) == 0
