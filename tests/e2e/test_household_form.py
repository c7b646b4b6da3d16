"""The start-case page checks the household on the server: each problem beside its field, in
the reader's language, and a family already registered is offered rather than duplicated."""

from html import unescape

from sqlalchemy import func, select

import engine
from engine import unit_of_work
from engine.persistence.models import Case, Household
from tests.conftest import ROOT
from web.extensions import db

FORM = {"family_name": "Vega Muñoz", "programme": "familias", "territory": "antofagasta",
        "caseworker": "ana"}


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Household)),
                db.session.scalar(select(func.count()).select_from(Case)))


def test_a_wrong_rut_and_a_bad_member_are_shown_beside_their_fields_in_spanish(as_person,
                                                                               web_app):
    before = counts(web_app)
    response = as_person("ana").post("/cases/new", {
        **FORM, "national_id": "12.345.678-4",
        "members": "Rosa Vega, 41, jefa de hogar, 12.345.678-5\nTomás Muñoz, 150, tío"},
        token_from="/cases/new")
    assert response.status_code == 422 and counts(web_app) == before
    text = page(response)
    assert 'id="national_id-error">El dígito verificador del RUT no corresponde.' in text
    assert 'id="members-error">Integrante 2: Debe ser menor o igual que 120.' in text
    assert "Integrante 2: Parentesco no reconocido; use uno de: jefe/a de hogar, pareja" in text
    assert 'value="12.345.678-4"' in text  # what was typed stays in the form


def test_a_wrong_codice_fiscale_is_explained_in_italian(as_person, web_app):
    # P.I.P.P.I., the programme the Italian Ambito runs
    with web_app.app_context(), unit_of_work(db.session):
        engine.deploy_folder(db.session, ROOT / "processes" / "pippi",
                             web_app.extensions["acompana.forms"], "manager")
    before = counts(web_app)
    response = as_person("giulia").post("/cases/new", {
        **FORM, "programme": "pippi", "family_name": "Colombo", "territory": "somma_lombardo",
        "caseworker": "giulia", "national_id": "RSSMRA85T10A562A",
        "members": "Maria Colombo, 31, capofamiglia\nLuca Colombo, 7, figlio, RSSMRA85"},
        token_from="/cases/new")
    assert response.status_code == 422 and counts(web_app) == before
    text = page(response)
    assert ('id="national_id-error">Il carattere di controllo del codice fiscale non '
            "corrisponde.") in text
    assert 'id="members-error">Componente 2: Non è un codice fiscale valido.' in text


def test_a_family_opens_with_its_rut_and_shows_it_on_its_page(as_person, web_app):
    ana = as_person("ana")
    response = ana.post("/cases/new", {**FORM, "national_id": "12345678-5",
                                       "members": "Rosa Vega, 41, jefa, 12345678-5\n"
                                                  "Tomás Muñoz, 9, hijo"},
                        token_from="/cases/new")
    assert response.status_code == 302
    text = page(ana.get(response.headers["Location"]))
    assert "Documento de la persona de referencia</dt><dd>12.345.678-5" in text
    assert "<li>Rosa Vega, 41 años, jefe/a de hogar, 12.345.678-5</li>" in text
    assert "<li>Tomás Muñoz, 9 años, hijo/a</li>" in text


def test_a_family_registered_twice_is_offered_and_the_case_opens_on_it(as_person, web_app):
    ana = as_person("ana")
    ana.post("/cases/new", {**FORM, "national_id": "12.345.678-5"}, token_from="/cases/new")
    before = counts(web_app)
    again = {**FORM, "family_name": "Vega", "national_id": "123456785"}
    response = ana.post("/cases/new", again, token_from="/cases/new")
    assert response.status_code == 422 and counts(web_app) == before
    text = page(response)
    assert ('id="national_id-error">Ya hay una familia registrada con este documento en el '
            "territorio: Vega Muñoz.") in text
    with web_app.app_context():
        household = db.session.scalars(select(Household.id)).one()
    assert f'name="household_id" value="{household}"' in text
    response = ana.post("/cases/new", {**again, "household_id": household},
                        token_from="/cases/new")
    assert response.status_code == 302
    assert counts(web_app) == (before[0], before[1] + 1)
    assert "Familia Vega Muñoz" in page(ana.get(response.headers["Location"]))
