"""The case file's Acciones: only the case's caseworker and its territory's supervisors see
and use them; a bad answer is worded beside its field and changes nothing; a closed case,
an act the version lacks or a hostile address is refused in words, never with a 500."""

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.persistence.models import Case, Event, Territory
from tests.conftest import ROOT
from tests.e2e.conftest import PASSWORD
from web.auth.models import User
from web.auth.passwords import hash_password
from web.extensions import db

WITHDRAWAL = {"fecha": "2026-03-10", "motivo": "decision_familia",
              "detalle": "La familia deja el programa."}


def recorded(web_app) -> list[Event]:
    with web_app.app_context():
        return list(db.session.scalars(select(Event).where(Event.kind == "act_recorded")))


def case_row(web_app, case_id) -> Case:
    with web_app.app_context():
        case = db.session.get(Case, case_id)
        db.session.expunge(case)
        return case


@pytest.fixture
def case_page(start_case):
    case_id = start_case()
    return case_id, f"/cases/{case_id}"


def test_the_caseworker_sees_the_acts_menu_and_a_colleague_does_not(as_person, case_page):
    case_id, page = case_page
    html = as_person("ana").get(page).get_data(as_text=True)
    assert "Acciones" in html
    for key in ("desistimiento", "traslado", "alerta_proteccion", "contacto_adicional"):
        assert f'data-act="{key}"' in html
    assert 'data-act=' in as_person("jorge").get(page).get_data(as_text=True)
    assert 'data-act=' not in as_person("pedro").get(page).get_data(as_text=True)


def test_a_colleague_is_refused_the_form_and_the_submission(as_person, case_page, web_app):
    case_id, page = case_page
    pedro = as_person("pedro")
    response = pedro.get(f"{page}/acts/desistimiento")
    assert response.status_code == 403
    assert "Solo la profesional a cargo" in response.get_data(as_text=True)
    assert pedro.post(f"{page}/acts/desistimiento", WITHDRAWAL,
                      token_from=page).status_code == 403
    assert recorded(web_app) == []
    assert as_person("giulia").get(f"{page}/acts/desistimiento").status_code == 404


def test_a_withdrawal_closes_the_case_and_then_every_act_is_refused(as_person, case_page,
                                                                      web_app):
    case_id, page = case_page
    ana = as_person("ana")
    form = ana.get(f"{page}/acts/desistimiento").get_data(as_text=True)
    assert "Registrar esta acción cierra el caso" in form
    response = ana.post(f"{page}/acts/desistimiento", WITHDRAWAL,
                        token_from=f"{page}/acts/desistimiento")
    assert response.status_code == 302
    assert (case_row(web_app, case_id).status, case_row(web_app, case_id).outcome) == (
        "closed", "desistimiento")
    html = ana.get(page).get_data(as_text=True)
    assert "data-act=" not in html
    assert "Acción registrada: Desistimiento de la familia" in html
    refused = ana.get(f"{page}/acts/contacto_adicional")
    assert refused.status_code == 409
    assert "El caso está cerrado" in refused.get_data(as_text=True)
    again = ana.post(f"{page}/acts/desistimiento", WITHDRAWAL, token_from=page)
    assert again.status_code == 409
    assert len(recorded(web_app)) == 1


def test_bad_answers_are_worded_beside_their_fields_and_nothing_is_recorded(
        as_person, case_page, web_app):
    case_id, page = case_page
    ana = as_person("ana")
    response = ana.post(f"{page}/acts/desistimiento", {"fecha": "ayer", "motivo": "inventado"},
                        token_from=page)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Revise los campos marcados: no se registró nada." in html
    assert 'aria-invalid="true"' in html
    assert recorded(web_app) == []
    assert case_row(web_app, case_id).status == "open"


@pytest.mark.parametrize("key", ["cupo_asignado", "x" * 300, "%00", "desistimiento%2F..",
                                 "<script>"])
def test_an_act_the_version_lacks_or_a_hostile_key_is_a_worded_404(as_person, case_page, key):
    case_id, page = case_page
    ana = as_person("ana")
    response = ana.get(f"{page}/acts/{key}")
    assert response.status_code == (400 if key == "%00" else 404)  # a NUL: the app's own 400
    assert "<script>" not in response.get_data(as_text=True)
    assert ana.post(f"{page}/acts/{key}", {"fecha": "2026-03-10"},
                    token_from=page).status_code == response.status_code


def test_a_move_offers_the_programmes_territories_and_their_caseworkers(
        as_person, case_page, web_app):
    case_id, page = case_page
    with web_app.app_context():
        serena = db.session.scalars(select(Territory).where(Territory.code == "la_serena")).one()
        db.session.add(User(username="rosa", full_name="Rosa Díaz", roles="caseworker",
                            password_hash=hash_password(PASSWORD), territories=[serena]))
        db.session.commit()
        serena_id = serena.id
    ana = as_person("ana")
    form = ana.get(f"{page}/acts/traslado").get_data(as_text=True)
    assert 'value="la_serena"' in form and "Rosa Díaz — La Serena" in form
    assert 'value="somma_lombardo"' not in form
    bad = {"fecha": "2026-03-10", "territorio_destino": "somma_lombardo",
           "profesional_destino": "rosa", "motivo": "Trabajo"}
    assert ana.post(f"{page}/acts/traslado", bad, token_from=page).status_code == 422
    assert case_row(web_app, case_id).territory_id != serena_id
    moved = ana.post(f"{page}/acts/traslado", {**bad, "territorio_destino": "la_serena"},
                     token_from=page)
    assert moved.status_code == 302 and moved.location.endswith("/")  # to the inbox
    case = case_row(web_app, case_id)
    assert (case.territory_id, case.caseworker) == (serena_id, "rosa")
    assert ana.get(page).status_code == 404  # Antofagasta no longer sees it
    html = as_person("rosa").get(page).get_data(as_text=True)
    assert "Caso trasladado de Antofagasta a La Serena" in html
    assert "Recibir familia trasladada" in html


def test_an_italian_referente_reads_the_acts_and_their_refusals_in_italian(as_person, web_app):
    with web_app.app_context():
        forms = engine.FormLibrary(ROOT / "forms")
        with unit_of_work(db.session):
            engine.deploy_folder(db.session, ROOT / "processes" / "pippi", forms, "manager")
        command = engine.StartCase("pippi", "somma_lombardo", "giulia", "Colombo",
                                   members=[{"name": "Luca Colombo", "age": 7}])
        with unit_of_work(db.session):
            case_id = engine.start_case(db.session, command, engine.SYSTEM).id
    page = f"/cases/{case_id}"
    marco = as_person("marco")
    html = marco.get(page).get_data(as_text=True)
    assert "Azioni" in html and "Ritiro della famiglia" in html and "chiude il caso" in html
    form = marco.get(f"{page}/acts/ritiro").get_data(as_text=True)
    assert "Registrare questa azione chiude il caso" in form
    blank = marco.post(f"{page}/acts/ritiro", {}, token_from=page)
    assert blank.status_code == 422
    assert "non è stato registrato nulla" in blank.get_data(as_text=True)
    done = marco.post(f"{page}/acts/ritiro", {"data": "2026-05-04", "motivo": "ritiro_consenso",
                                               "dettaglio": "Non vuole proseguire."},
                      token_from=page)
    assert done.status_code == 302
    refused = marco.get(f"{page}/acts/contatto_aggiuntivo")
    assert refused.status_code == 409
    assert "Il caso è chiuso: non accetta più azioni." in refused.get_data(as_text=True)
    assert "Azione registrata: Ritiro della famiglia" in marco.get(page).get_data(as_text=True)
