"""The instruments of a programme, as its manager and its caseworker meet them.

Marta manages Programa Familias in Antofagasta: the settings page and the instruments page say
the Matriz de Bienestar is provisional and why; a file with wrong rows is refused row by row
and changes nothing; the official list loaded and published reaches the diagnosis of a case
opened afterwards, without a provisional mark, while Ana's running case keeps its version's
list and marks; the report loses the mark only for figures no old-version case feeds.
"""

import re

import pytest

from tests.e2e.conftest import csrf_of
from tests.e2e.instruments_world import (
    LOAD,
    PAGE,
    at_diagnosis,
    official_csv,
    publish,
    upload,
)
from tests.e2e.test_form_editor import post_json
from tests.e2e.test_programme_settings import managers  # noqa: F401 - the fixture

pytestmark = pytest.mark.usefixtures("managers")
PROVISIONAL_ROW = 'formkit-provenance--provisional'


def test_the_settings_and_the_instruments_page_say_the_matriz_is_provisional(as_person):
    marta = as_person("marta")
    settings = marta.get("/programmes/familias/settings").get_data(as_text=True)
    section = settings.split('id="instrumentos"')[1].split("</section>")[0]
    assert "Matriz de Bienestar" in section and "state--provisional" in section
    assert "[default] programa-familias-acompanamiento.txt" in section
    assert PAGE in marta.get("/programmes").get_data(as_text=True)
    page = marta.get(PAGE).get_data(as_text=True)
    card = page.split('data-instrument="matriz_bienestar"')[1].split("</section>")[0]
    assert 'data-state="provisional"' in page and "16 ítems siguen marcados" in card
    assert card.count("<tr data-code=") == 21 and card.count(PROVISIONAL_ROW) == 16
    assert "familias/diagnostico/edit" in card  # its forms, to the form editor
    csv = marta.get(PAGE + "/matriz_bienestar.csv").get_data(as_text=True)
    assert csv.splitlines()[0].lstrip("\ufeff") == "codigo,dimension,texto,programas,oficial,fuente"
    assert len(csv.splitlines()) == 22 and ",no," in csv


@pytest.mark.parametrize("username", ["ana", "jorge", "paola"])
def test_caseworkers_supervisors_and_managers_of_another_country_are_refused(
        as_person, username):
    person = as_person(username)
    assert person.get(PAGE).status_code in (403, 404)
    assert person.get(PAGE + "/matriz_bienestar.csv").status_code in (403, 404)
    assert person.post(LOAD, {"revision": ""}).status_code in (403, 404)


def test_a_wrong_file_is_refused_row_by_row_and_nothing_changes(as_person):
    marta = as_person("marta")
    bad = ("codigo;dimension;texto\n"
           "i1;salud;Bien.\n"
           "i1;salud;Repetido.\n"
           "i3;deporte;Sin dimensión válida.\n"
           "i4;salud;\n").encode()
    answer = upload(marta, bad)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    errors = page.split('class="load-errors"')[1].split("</div>")[0]
    assert "No se cargó nada" in errors
    assert "Fila 3, columna codigo: Ya existe uno con este valor." in errors
    assert re.search(r"Fila 4, columna dimension: Elija una de las opciones: salud, "
                     r"educacion", errors)
    assert "Fila 5, columna texto: Este campo es obligatorio." in errors
    assert "Borrador del proceso" not in page  # no draft was opened
    assert upload(marta, b"\xff\xfe\x00x", "matriz.csv").status_code == 422
    latin = upload(marta, "codigo;dimension;texto\ni1;salud;Niño\n".encode("latin-1"))
    assert "Archivo: El archivo no está en UTF-8" in latin.get_data(as_text=True)
    after = marta.get(PAGE).get_data(as_text=True)
    assert after.count(PROVISIONAL_ROW) >= 16 and "Borrador del proceso" not in after


def test_the_official_list_reaches_new_cases_and_a_running_case_keeps_its_version(
        as_person, web_app, start_case):
    running = at_diagnosis(web_app, start_case, "Rojas Pérez")
    marta, ana = as_person("marta"), as_person("ana")
    assert ana.get(f"/tasks/{running}").get_data(as_text=True).count(PROVISIONAL_ROW) == 17

    loaded = upload(marta, official_csv())
    assert loaded.status_code == 302
    page = marta.get(PAGE).get_data(as_text=True)
    assert "Lista cargada en el borrador: 63 indicadores" in page
    assert "Borrador del proceso" in page and 'data-state="oficial"' in page
    assert "Al publicar el borrador, el instrumento queda como «oficial»" in page
    assert page.count("<tr data-code=") == 63 and PROVISIONAL_ROW not in page
    revision = int(re.search(r'name="revision" value="(\d+)"', page).group(1))
    grid = {"type": "object", "properties": {
        "matriz": {"x-reference": "matriz_bienestar", "title": "Matriz"}}}
    preview = post_json(marta, "/programmes/familias/forms/preview", {"schema": grid})
    assert "Indicador oficial 7 de la Matriz." in preview.get_json()["html"]  # the editor too

    published = publish(marta, revision)
    assert published.status_code == 302
    after = marta.get(PAGE).get_data(as_text=True)
    assert "Publicada la versión 2" in after and "No hay borrador abierto" in after
    settings = marta.get("/programmes/familias/settings").get_data(as_text=True)
    assert "state--oficial" in settings.split('id="instrumentos"')[1].split("</section>")[0]

    fresh = at_diagnosis(web_app, start_case, "Soto Díaz")
    new_form = ana.get(f"/tasks/{fresh}").get_data(as_text=True)
    assert "Indicador oficial 7 de la Matriz." in new_form
    assert "formkit-provenance" not in new_form
    old_form = ana.get(f"/tasks/{running}").get_data(as_text=True)
    assert old_form.count(PROVISIONAL_ROW) == 17 and "Indicador oficial" not in old_form

    report = as_person("jorge").get("/reports/familias").get_data(as_text=True)
    figure = report.split('data-figure="indicadores_cumplidos"')[1].split("</section>")[0]
    assert PROVISIONAL_ROW in figure  # the version 1 case is still counted


def test_a_stale_page_cannot_overwrite_a_list_loaded_meanwhile(as_person):
    marta = as_person("marta")
    assert upload(marta, official_csv(10)).status_code == 302
    page = marta.get(PAGE).get_data(as_text=True)
    seen = re.search(r'name="revision" value="(\d+)"', page).group(1)
    assert upload(marta, official_csv(11), revision=seen).status_code == 302
    stale = upload(marta, official_csv(12), revision=seen)
    assert stale.status_code == 302
    after = marta.get(PAGE).get_data(as_text=True)
    assert "guardó este borrador" in after and after.count("<tr data-code=") == 11


def test_an_english_reading_manager_reads_the_page_and_its_errors_in_english(as_person):
    marta = as_person("marta")
    marta.post("/account/language", {"locale": "en", "next": "/"})
    page = marta.get(PAGE).get_data(as_text=True)
    assert "Instruments of" in page and "Load into the draft" in page
    assert "Reference list: 21 indicators" in page and "16 items are still marked" in page
    refused = upload(marta, b"codigo;dimension;texto\ni1;deporte;x\n").get_data(as_text=True)
    assert "Row 2, column dimension: Choose one of: salud, educacion" in refused
    assert "Nothing was loaded" in refused


def test_a_draft_that_cannot_run_is_not_published_and_says_why(as_person):
    marta = as_person("marta")
    assert upload(marta, official_csv(5)).status_code == 302
    page = marta.get(PAGE).get_data(as_text=True)
    revision = int(re.search(r'name="revision" value="(\d+)"', page).group(1))
    token = csrf_of(page)
    broken = marta.client.put("/programmes/familias/modeler/draft",
                              json={"revision": revision,
                                    "sources": {"familias.bpmn": "<definitions"}},
                              headers={"X-CSRFToken": token})
    assert broken.status_code == 200
    answer = publish(marta, broken.get_json()["revision"])
    assert answer.status_code == 422
    assert "El borrador no se publicó" in answer.get_data(as_text=True)
    assert "Borrador del proceso" in answer.get_data(as_text=True)  # still there
    assert marta.post(PAGE + "/otra_lista/load", {"revision": ""}).status_code == 404
