"""The cases page (/cases): every case the person may see, searched by the filters in the
query string, paged; a bad filter is worded beside its field, never an error page."""

from datetime import UTC, datetime, timedelta

import pytest

import engine
from engine import unit_of_work
from web.extensions import db

MARCH_2 = datetime(2026, 3, 2, 12, tzinfo=UTC)


@pytest.fixture
def cases(web_app):
    """Three Familias cases in Antofagasta (two of Ana, one of Pedro) and one in La Serena."""
    made = {}
    with web_app.app_context():
        actor = engine.Actor("jorge", frozenset({"supervisor"}), None)
        for n, (key, family, caseworker, territory, household) in enumerate((
                ("rojas", "Rojas Pérez", "ana", "antofagasta",
                 {"national_id": "12.345.678-5",
                  "members": [{"name": "Carla Rojas", "age": 34},
                              {"name": "Tomás Núñez", "age": 9}]}),
                ("munoz", "Muñoz Soto", "ana", "antofagasta", {}),
                ("araya", "Araya Díaz", "pedro", "antofagasta", {}),
                ("serena", "Vega Lagos", "ana", "la_serena", {}))):
            command = engine.StartCase("familias", territory, caseworker, family, **household)
            with unit_of_work(db.session):
                made[key] = engine.start_case(db.session, command, actor,
                                              MARCH_2 + timedelta(days=n)).id
    return made


def page_of(person, query: str = "") -> str:
    response = person.get(f"/cases{query}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_nav_leads_to_every_case_of_the_persons_territory(as_person, cases):
    ana = as_person("ana")
    assert 'href="/cases"' in ana.get("/").get_data(as_text=True)
    page = page_of(ana)
    for family in ("Rojas Pérez", "Muñoz Soto", "Araya Díaz"):
        assert family in page
    assert "Vega Lagos" not in page  # La Serena is not hers
    assert "3 casos" in page and "Pedro Morales" in page and "Ana Castro" in page
    assert f'href="/cases/{cases["rojas"]}"' in page and "Primer contacto" in page


def test_each_filter(as_person, cases):
    ana = as_person("ana")
    assert "Rojas Pérez" in page_of(ana, "?q=tomas")  # a member, without the accent
    assert "Muñoz Soto" not in page_of(ana, "?q=tomas")
    by_id = page_of(ana, "?national_id=12345678-5")
    assert "Rojas Pérez" in by_id and "1 caso" in by_id
    by_pedro = page_of(ana, "?worker=pedro")
    assert "Araya Díaz" in by_pedro and "Rojas Pérez" not in by_pedro
    assert "Ningún caso coincide" in page_of(ana, "?status=closed")
    assert "3 casos" in page_of(ana, "?status=open&programme=familias&territory=antofagasta")
    assert "3 casos" in page_of(ana, "?step=primer")
    assert "Ningún caso coincide" in page_of(ana, "?q=zzz")


def test_pages_and_sort(as_person, cases):
    jorge = as_person("jorge")
    first = page_of(jorge, "?sort=family&page=1")
    assert first.index("Araya Díaz") < first.index("Muñoz Soto") < first.index("Rojas Pérez")
    assert "Página" not in first  # one page only
    assert "Rojas Pérez" in page_of(jorge, "?sort=family&page=9999")  # past the last: the last


def test_bad_filters_are_worded_beside_their_field(as_person, cases):
    ana = as_person("ana")
    for query, words in (("?national_id=12.345.678-9", "No es un RUT ni un codice fiscale"),
                         ("?status=lost", "Elija una opción de la lista."),
                         ("?sort=drop%20table", "Elija una opción de la lista."),
                         ("?worker=giulia", "Elija una opción de la lista."),
                         ("?territory=somma_lombardo", "Elija una opción de la lista."),
                         ("?page=99999999999999999999", "La página debe ser un número"),
                         ("?page=-1", "La página debe ser un número"),
                         ("?q=" + "x" * 500, "Escriba a lo más 100 caracteres."),
                         ("?q=a%00b", "caracteres no válidos"),
                         ("?national_id=" + "9" * 60, "No es un RUT ni un codice fiscale")):
        page = page_of(ana, query)
        assert words in page, query
        assert "Corrija los filtros marcados" in page and "Rojas Pérez" not in page


def test_odd_but_harmless_text_finds_nothing(as_person, cases):
    ana = as_person("ana")
    assert "1 caso" in page_of(ana, "?q=%25rojas")  # the % is no wildcard, only a space
    for query in ("?step=%ED%A0%80", "?step=%25", "?step=_"):
        assert "Ningún caso coincide" in page_of(ana, query), query
    for query in ("?q=%25_%25", "?q='%3B--", "?q=%F0%9F%98%80"):  # no word: no name filter
        assert "3 casos" in page_of(ana, query), query


def test_the_page_speaks_the_persons_language(as_person, cases):
    marco = as_person("marco")
    page = page_of(marco)
    assert "Casi" in page and "Non ci sono ancora casi" in page
    assert "Non è un RUT né un codice fiscale valido." in page_of(marco, "?national_id=x")
    ana = as_person("ana")
    ana.post("/account/language", {"locale": "en", "next": "/"})
    english = page_of(ana, "?q=rojas")
    assert "1 case" in english and "Family or member" in english and "Current step" in english


def test_someone_signed_out_is_sent_to_sign_in(browser):
    assert browser.get("/cases").status_code == 302
