"""A programme's managers see every version (who published it, when, how many running cases
are on it), open any of them read-only and compare two, a draft too; nobody else may, and a
wrong address says what is wrong instead of failing."""

import html
import json
import re

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.commands import process_drafts
from engine.persistence.models import ProcessDraft, Territory
from tests.e2e.conftest import PASSWORD
from tests.integration.familias_versions import familias_v2
from web.auth.models import User
from web.auth.passwords import hash_password
from web.extensions import db

VERSIONS = "/programmes/familias/versions"
MARTA = engine.Actor("marta", frozenset({"manager"}), None)


@pytest.fixture
def world(web_app, tmp_path, start_case):
    """Marta manages the Chilean programmes, Paola the Italian ones; two cases run on
    version 1, then Marta deploys version 2 (familias_v2) and one case starts on it."""
    with web_app.app_context():
        for username, name, code in (("marta", "Marta Ibáñez", "antofagasta"),
                                     ("paola", "Paola Conti", "somma_lombardo")):
            territory = db.session.scalars(select(Territory).filter_by(code=code)).one()
            db.session.add(User(username=username, full_name=name, roles="manager",
                                password_hash=hash_password(PASSWORD), territories=[territory]))
        db.session.commit()
    start_case("Rojas Pérez")
    start_case("Díaz Soto")
    folder, forms = familias_v2(tmp_path)
    with web_app.app_context(), unit_of_work(db.session):
        assert engine.deploy_folder(db.session, folder, forms, "marta").version == 2
    start_case("Muñoz Vera")
    return web_app


def text(response) -> str:
    """The page's text as read (tags dropped, entities decoded, spaces collapsed)."""
    page = re.sub(r"<script.*?</script>|<[^>]+>", " ", response.get_data(as_text=True),
                  flags=re.DOTALL)
    return " ".join(html.unescape(page).split())


def row(page: str, version: str) -> str:
    found = re.search(rf'<tr[^>]*data-version="{version}".*?</tr>', page, re.DOTALL)
    assert found, version
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())


def test_a_manager_sees_each_version_with_who_published_it_and_its_running_cases(
        world, as_person):
    page = as_person("marta").get(VERSIONS)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    two, one = row(body, "2"), row(body, "1")
    assert "publicada" in two and "Marta Ibáñez" in two and two.endswith("Comparar con la anterior")
    assert "retirada" in one and "manager" in one
    assert re.search(r'data-version="2".*?versions-running">1<', body, re.DOTALL)
    assert re.search(r'data-version="1".*?versions-running">2<', body, re.DOTALL)
    assert 'href="/programmes/familias/modeler/export?version=1"' in body
    assert 'href="/programmes/familias/versions/compare?from=1&amp;to=2"' in body


def test_the_versions_page_is_linked_from_the_programmes_and_the_modeler(world, as_person):
    marta = as_person("marta")
    assert f'href="{VERSIONS}"' in marta.get("/programmes").get_data(as_text=True)
    assert f'href="{VERSIONS}"' in marta.get("/programmes/familias/modeler").get_data(
        as_text=True)


@pytest.mark.parametrize("username", ["ana", "jorge"])
def test_caseworkers_and_supervisors_are_refused_every_versions_page(world, as_person,
                                                                     username):
    person = as_person(username)
    for path in (VERSIONS, f"{VERSIONS}/1", f"{VERSIONS}/compare?from=1&to=2"):
        assert person.get(path).status_code == 403, path


def test_a_manager_of_another_country_is_refused(world, as_person):
    assert as_person("paola").get(VERSIONS).status_code == 403
    assert as_person("paola").get(f"{VERSIONS}/compare?from=1&to=2").status_code == 403


def test_a_version_opens_read_only_with_its_forms_deadlines_and_diagram(world, as_person):
    page = as_person("marta").get(f"{VERSIONS}/1")
    assert page.status_code == 200
    said = text(page)
    assert "Sesión de acompañamiento (segundo año)" in said  # version 1's deadline
    assert "Lugar de la sesión" not in said  # version 2's new field
    assert "Primer contacto con la familia" in said and "15 días hábiles" in said
    assert "seguimiento : P1M" in said
    body = page.get_data(as_text=True)
    assert 'data-bpmn="bpmn-1"' in body and 'data-dmn="dmn-1"' in body
    assert "export?version=1" in body
    two = text(as_person("marta").get(f"{VERSIONS}/2"))
    assert "Lugar de la sesión" in two and "Sesión de acompañamiento (segundo año)" not in two


def test_comparing_version_one_and_two_lists_the_changes_in_words(world, as_person):
    page = as_person("marta").get(f"{VERSIONS}/compare?from=1&to=2")
    assert page.status_code == 200
    said = text(page)
    assert "De versión 1 a versión 2: 3 diferencias." in said
    assert "Plazo quitado «Sesión de acompañamiento (segundo año)»." in said
    assert ("«Sesión de acompañamiento»: campo nuevo obligatorio «Lugar de la sesión»."
            in said)
    assert ("Cambió evento de borde «Sin sesión dentro del plazo del año (Sesión de "
            "acompañamiento)»: temporizador: «plazo(\"sesion_anio2\" if "
            "meses_desde(\"fecha_ingreso\") >= 12 else \"sesion_anio1\")» → "
            "«plazo(\"sesion_anio1\")».") in said
    data = json.loads(re.search(r'id="compare-data">(.*?)</script>',
                                page.get_data(as_text=True), re.DOTALL).group(1))
    assert data["marks"]["added"] == [] and data["marks"]["removed"] == []
    assert len(data["marks"]["changed"]) == 1  # the session's reminder follows the cadence
    assert "<bpmn:definitions" in data["old"] and "<bpmn:definitions" in data["new"]


def test_the_compare_page_speaks_the_readers_language(world, as_person):
    marta = as_person("marta")
    with world.app_context():
        db.session.execute(User.__table__.update().where(User.username == "marta")
                           .values(locale="en"))
        db.session.commit()
    said = text(marta.get(f"{VERSIONS}/compare?from=1&to=2"))
    assert "From version 1 to version 2: 3 differences." in said
    assert "Deadline removed «Sesión de acompañamiento (segundo año)»." in said


def test_a_draft_is_compared_with_the_version_it_was_begun_from(world, as_person):
    with world.app_context(), unit_of_work(db.session):
        draft = process_drafts.open_draft(db.session, "familias", MARTA)
        sources = {name: xml.replace('name="Diagnóstico', 'name="Diagnóstico social')
                   for name, xml in draft.sources.items()}
        process_drafts.save_draft(db.session, "familias", MARTA, revision=draft.revision,
                                  sources=sources)
    marta = as_person("marta")
    listing = marta.get(VERSIONS).get_data(as_text=True)
    assert "basado en la versión 2" in row(listing, "draft")
    page = marta.get(f"{VERSIONS}/compare?to=draft")
    assert page.status_code == 200
    said = text(page)
    assert "De versión 2 a borrador:" in said
    assert "nombre: «Diagnóstico" in said and "→ «Diagnóstico social" in said
    assert marta.get(f"{VERSIONS}/draft").status_code == 200


@pytest.mark.parametrize(("query", "status", "words"), [
    ("from=1&to=1", 422, "Elija dos versiones distintas para comparar."),
    ("from=uno&to=2", 422, "«uno» no es un número de versión."),
    ("from=1&to=-2", 422, "«-2» no es un número de versión."),
    ("from=1&to=%C2%B2", 422, "«²» no es un número de versión."),
    ("from=draft&to=draft", 422, "Elija dos versiones distintas para comparar."),
    ("from=1&to=99", 404, "No existe la versión familias v99 del proceso."),
    ("from=1&to=99999999999999999999", 422, "no es un número de versión."),
    ("from=1", 404, "no tiene un borrador abierto"),
    ("to=draft", 404, "no tiene un borrador abierto"),
    ("", 404, "no tiene un borrador abierto"),
])
def test_a_wrong_comparison_is_said_in_words(world, as_person, query, status, words):
    page = as_person("marta").get(f"{VERSIONS}/compare?{query}")
    assert page.status_code == status
    assert words in text(page)


def test_an_unknown_version_or_programme_is_not_found(world, as_person):
    marta = as_person("marta")
    missing = marta.get(f"{VERSIONS}/7")
    assert missing.status_code == 404 and "No existe la versión familias v7" in text(missing)
    assert marta.get(f"{VERSIONS}/siete").status_code == 422
    assert marta.get(f"{VERSIONS}/draft").status_code == 404
    assert marta.get("/programmes/pippi/versions").status_code == 404
    assert marta.get("/programmes/pippi/versions/compare?from=1&to=2").status_code == 404
    with world.app_context():
        assert db.session.scalars(select(ProcessDraft)).first() is None


def test_the_running_cases_of_every_version_cost_one_query_however_many_versions(world):
    from sqlalchemy import event

    from engine.persistence.models import ProcessDefinition
    from engine.queries import versions

    def queries() -> tuple[int, list[int]]:
        counted = []
        listener = lambda *_args: counted.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            rows = versions.overview(db.session, MARTA, "familias").versions
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(counted), [row.running for row in rows]

    with world.app_context():
        queries()  # the programme and the person's rights, read once and kept
        few, running = queries()
        assert running == [1, 2] and few <= 3
        one = db.session.scalars(select(ProcessDefinition).filter_by(version=1)).one()
        for number in range(3, 9):
            db.session.add(ProcessDefinition(
                programme_key="familias", process_id="familias", version=number,
                content_hash=f"old{number}", sources={}, spec={}, status="retired",
                deployed_by="marta", deployed_at=one.deployed_at))
        db.session.commit()
        db.session.expire_all()
        many, running = queries()
        assert running == [0] * 6 + [1, 2]
        assert many == few


def test_a_version_from_before_bundles_is_compared_by_its_diagram_only(world, as_person):
    from sqlalchemy import update

    from engine.definitions import catalog
    from engine.persistence.models import ProcessDefinition

    with world.app_context():
        db.session.execute(update(ProcessDefinition).where(ProcessDefinition.version == 1)
                           .values(forms=None, settings_schema=None))
        db.session.commit()
        catalog.forget()
    marta = as_person("marta")
    said = text(marta.get(f"{VERSIONS}/compare?from=1&to=2"))
    assert "De versión 1 a versión 2: 1 diferencia." in said  # the year timer
    assert "los formularios no se comparan" in said
    assert "los plazos y ciclos no se comparan" in said
    assert "Formulario nuevo" not in said and "Plazo nuevo" not in said
    one = text(marta.get(f"{VERSIONS}/1"))
    assert "antes de que las versiones guardaran sus formularios" in one
