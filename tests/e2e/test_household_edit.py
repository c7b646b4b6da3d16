"""Household members and address changed from the case file, with their history; who may."""

from sqlalchemy import select

from engine.persistence.models import Event
from web.extensions import db


def _form(**changes):
    return {"family_name": "Rojas Pérez", "address": "Pasaje 4",
            "members": "Carla Rojas, 34\nTomás Rojas, 2, hijo", **changes}


def test_the_caseworker_adds_a_member_and_sees_the_change_in_the_history(as_person,
                                                                         start_case):
    case_id = start_case()
    ana = as_person("ana")
    page = f"/cases/{case_id}/household"
    assert "Carla Rojas, 34" in ana.get(page).get_data(as_text=True)
    assert f'href="{page}"' in ana.get(f"/cases/{case_id}").get_data(as_text=True)
    assert ana.post(page, _form(), token_from=page).status_code == 302
    html = ana.get(page).get_data(as_text=True)
    assert "Ana Castro" in html and "Carla Rojas; Tomás Rojas" in html and "Pasaje 4" in html
    case_page = ana.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Tomás Rojas" in case_page and "hijo/a" in case_page
    assert "Datos del hogar modificados: dirección, integrantes" in case_page


def test_bad_input_comes_back_beside_its_field_and_changes_nothing(web_app, as_person,
                                                                   start_case):
    case_id = start_case()
    jorge = as_person("jorge")
    page = f"/cases/{case_id}/household"
    response = jorge.post(page, _form(members="Carla Rojas, 34\nTomás, 2, hijo, 12.345.678-9"),
                          token_from=page)
    assert response.status_code == 422
    assert "Integrante 2:" in response.get_data(as_text=True)
    with web_app.app_context():
        assert db.session.scalars(select(Event).where(
            Event.kind == "household_changed")).all() == []


def test_who_may_change_the_household(as_person, start_case):
    case_id = start_case()
    page = f"/cases/{case_id}/household"
    pedro, giulia = as_person("pedro"), as_person("giulia")
    assert pedro.get(page).status_code == 403
    assert pedro.post(page, _form(), token_from="/").status_code == 403
    assert f'href="{page}"' not in pedro.get(f"/cases/{case_id}").get_data(as_text=True)
    assert giulia.get(page).status_code == 404
    assert giulia.post(page, _form(), token_from="/").status_code == 404
    ana = as_person("ana")
    assert ana.client.post(page, data=_form()).status_code == 400  # no CSRF token
