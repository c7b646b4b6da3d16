"""Outcome reports on the web: the Familias page and CSV, who may read them, and where from.

Three Antofagasta families live through the real engine (calendar in
tests/integration/familias_report_seed.py) and one family in Somma Lombardo is not found:

- Rojas Pérez: egreso; trajectory doble, 16 sessions of 16; the plan's 2 actions, 1 done;
  the Matriz had 4 indicators to work on at diagnosis and 1 (i33) is cumplido at the end.
- Díaz Rivera: not found at first contact (closed, no trajectory, no plan).
- Castillo Vega: still accompanied; simple, 3 sessions of 12; 1 plan action, none done.
- Bianchi (La Serena, a second Chilean comuna, where Familias runs too): not found; never
  counted for Jorge, only for Carmen. (Familias is Chilean: it cannot be opened in Somma
  Lombardo, so Marco has no Familias report at all.)

So Jorge (Antofagasta) must read: 3 cases, 1 of 2 closed graduated (50.0%), 1 of 4
indicators to cumplido (25.0%), 1 of 3 plan actions (33.3%), 19 sessions of a goal of 28,
1 family of 2 reached its goal.
"""

import pytest
from flask import current_app
from sqlalchemy import select

import engine
from engine.persistence.models import Territory
from tests.e2e.browsers import SHOTS, VIEWPORTS, sign_in
from tests.e2e.conftest import PASSWORD, WEB, in_web_app
from tests.integration.familias_report_seed import Story, live_through
from tests.templates import Seed
from web.auth.models import User
from web.auth.passwords import hash_password
from web.demo_data import MATRIZ
from web.extensions import db

STORIES = [
    Story("Rojas Pérez", "egreso", sessions=16, diagnosis=MATRIZ,
          finals=({**MATRIZ, "i33": "cumplido"},), actions_per_goal=(2,),
          actions_reported=(1,)),
    Story("Díaz Rivera", "no_ubicada"),
    Story("Castillo Vega", "en_curso", sessions=3, diagnosis=MATRIZ, jobless_adults=0),
    Story("Bianchi", "no_ubicada", territory="la_serena"),
]
PEOPLE = {"antofagasta": ("ana", "jorge"), "la_serena": ("lucia", "carmen")}
ROLES = ("caseworker", "supervisor")


def live_the_stories() -> dict[str, int]:
    """The four families' cases, lived once into a template database: ids by family."""
    forms = current_app.extensions["acompana.forms"]
    _la_serena()
    ids = {t.code: t.id for t in db.session.scalars(select(Territory))}
    cases = {}
    for story in STORIES:
        where = frozenset({ids[story.territory]})
        caseworker, supervisor = (engine.Actor(name, frozenset({role}), where) for name, role
                                  in zip(PEOPLE[story.territory], ROLES, strict=True))
        cases[story.family] = live_through(db.session, forms, story, caseworker, supervisor)
    return cases


REPORTS = Seed("web_reports", in_web_app(live_the_stories), parent=WEB)


@pytest.fixture
def database_seed(request):
    """The families' stories for the tests that read them; the people and Familias else."""
    return REPORTS if "seeded" in request.fixturenames else WEB


@pytest.fixture
def seeded(web_app, seed_data):
    """The four families' cases, by family name."""
    return seed_data


def _la_serena() -> None:
    """Carmen, the supervisor of La Serena (the second Chilean comuna of the web tests), who
    reads Acompaña in Italian."""
    serena = db.session.scalars(select(Territory).where(Territory.code == "la_serena")).one()
    db.session.add(User(username="carmen", full_name="Carmen Rojas", roles="supervisor",
                        password_hash=hash_password(PASSWORD), territories=[serena],
                        locale="it"))
    db.session.commit()


def figure(page: str, key: str) -> str:
    """The value and detail of one figure card, as text."""
    card = page.split(f'data-figure="{key}"')[1].split("</section>")[0]
    value = card.split('<p class="figure-value">')[1].split("</p>")[0]
    detail = card.split('<p class="figure-detail">')[1].split("</p>")[0]
    return f"{value} | {detail}"


def test_a_supervisor_reads_the_familias_figures(as_person, seeded):
    page = as_person("jorge").get("/reports/familias").get_data(as_text=True)
    assert "3 casos en Antofagasta" in page  # Bianchi (La Serena) is not counted
    assert figure(page, "casos") == "3 | 1 en curso, 2 cerrados"
    assert figure(page, "egresadas") == "1 | de 2 casos cerrados"
    assert figure(page, "egreso_pct") == "50.0% | 1 de 2"
    assert figure(page, "indicadores_pct") == "25.0% | 1 de 4"
    assert figure(page, "acciones_pct") == "33.3% | 1 de 3 acciones"
    assert figure(page, "sesiones") == "19 | de una meta de 28 (2 familias con trayectoria)"
    assert figure(page, "meta_sesiones").startswith("1 | de 2 ")
    exits = page.split('data-breakdown="cierres"')[1].split("</section>")[0]
    assert "<th scope=\"row\">Familia no ubicada</th><td>1</td><td>50.0%</td>" in exits
    trajectories = page.split('data-breakdown="trayectorias"')[1].split("</section>")[0]
    assert "<th scope=\"row\">Doble (APS + ASL)</th><td>1</td><td>16</td><td>16</td><td>1</td>" \
        in trajectories
    assert "Bianchi" not in page


def test_the_csv_has_one_line_per_case_and_opens_in_excel(as_person, seeded):
    response = as_person("jorge").get("/reports/familias.csv")
    assert response.content_type == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="resultados-familias-20')
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")  # the byte-order mark Excel needs for accents
    lines = body.removeprefix("\ufeff").strip().splitlines()
    assert lines[0] == ("caso,familia,territorio,profesional,resultado,trayectoria,"
                        "sesiones_meta,sesiones_realizadas,acciones_plan,acciones_realizadas,"
                        "indicadores_por_lograr,indicadores_a_cumplido,integrantes,"
                        "transferencias_pagadas,monto_pagado,transferencias_por_pagar,"
                        "monto_por_pagar,transferencias_retenidas")
    # the Bono de Protección from the entry on 30 March 2026, none paid: Rojas Pérez its 24
    # months ($340.800), Castillo Vega (seen until 1 October 2026) months 1–7 ($148.800)
    assert lines[1:] == [  # people by name, outcomes in the reader's language
        f"{seeded['Rojas Pérez']},Rojas Pérez,Antofagasta,Ana Castro,"
        "Egreso (acompañamiento completo),doble,16,16,2,1,4,1,1,0,0,24,340800,0",
        f"{seeded['Díaz Rivera']},Díaz Rivera,Antofagasta,Ana Castro,Familia no ubicada,,,0,,,,,1,"
        "0,0,0,0,0",
        f"{seeded['Castillo Vega']},Castillo Vega,Antofagasta,Ana Castro,,simple,12,3,1,0,,,1,"
        "0,0,7,148800,0",
    ]


def test_each_supervisor_counts_only_their_own_territory(as_person, seeded):
    carmen = as_person("carmen")
    page = carmen.get("/reports/familias").get_data(as_text=True)
    assert "1 caso in La Serena" in page  # carmen reads Italian
    assert figure(page, "casos") == "1 | 0 in corso, 1 chiuso"  # its detail in Italian too
    assert "Rojas Pérez" not in carmen.get("/reports/familias.csv").get_data(as_text=True)
    assert as_person("marco").get("/reports/familias").status_code == 404  # not run in Italy
    jorge = as_person("jorge")
    mine = jorge.get("/reports/familias?territorio=antofagasta")
    assert "3 casos en Antofagasta" in mine.get_data(as_text=True)
    for other in ("la_serena", "somma_lombardo"):
        assert jorge.get(f"/reports/familias?territorio={other}").status_code == 404
        assert jorge.get(f"/reports/familias.csv?territorio={other}").status_code == 404
    csv_name = jorge.get("/reports/familias.csv?territorio=antofagasta").headers[
        "Content-Disposition"]
    assert 'filename="resultados-familias-antofagasta-20' in csv_name


def test_the_index_lists_the_programmes_of_the_readers_territories(as_person, start_case):
    start_case("Rojas Pérez")
    jorge = as_person("jorge").get("/reports/").get_data(as_text=True)
    assert 'href="/reports/familias"' in jorge and ">Resultados</a>" in jorge  # nav link
    marco = as_person("marco")  # Familias is Chilean and has no case in Somma Lombardo
    page = marco.get("/reports/").get_data(as_text=True)
    assert "Nessun programma con un report dei risultati" in page  # in Italian
    assert marco.get("/reports/familias").status_code == 404


def test_caseworkers_have_no_reports(as_person):
    ana = as_person("ana")
    for path in ("/reports/", "/reports/familias", "/reports/familias.csv"):
        assert ana.get(path).status_code == 403
    assert ">Resultados</a>" not in ana.get("/").get_data(as_text=True)


def test_an_unknown_programme_is_not_found(as_person):
    jorge = as_person("jorge")
    assert jorge.get("/reports/nada").status_code == 404
    assert jorge.get("/reports/nada.csv").status_code == 404


@pytest.mark.parametrize("migrated_database", ["postgresql"], indirect=True)
@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_a_supervisor_opens_the_familias_report_in_a_browser(chromium, server, seeded,
                                                             device):
    SHOTS.mkdir(exist_ok=True)
    page = chromium.new_page(viewport=VIEWPORTS[device])
    sign_in(page, server, "jorge")
    page.get_by_role("link", name="Resultados").click()
    page.get_by_role("link", name="Programa Familias — Acompañamiento Integral").click()
    page.wait_for_selector("[data-figure=egreso_pct]")
    assert "50.0%" in page.inner_text("[data-figure=egreso_pct]")
    page.screenshot(path=str(SHOTS / f"{device}-8-report.png"), full_page=True)
    page.close()
