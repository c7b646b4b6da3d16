"""The household import pages over HTTP: a supervisor uploads a registry export (Latin-1 with
semicolons, UTF-8 with a byte-order mark and commas, JSON), picks the columns, reads the dry
run, runs it (a thread: no Redis here) and downloads the per-row report, whose cells are safe
in a spreadsheet; hostile files are refused in words and change nothing; caseworkers and
people of other territories are refused."""

import io
import json

import pytest
from sqlalchemy import func, select

from engine.persistence.models import Household, HouseholdImport
from tests.e2e.conftest import csrf_of
from tests.integration.import_files import bad_rut, rut_of
from web import import_runs
from web.extensions import db

PAGE = "/households/imports/"


def upload(person, content: bytes, filename: str = "rsh.csv",
           place: str = "familias|antofagasta"):
    token = csrf_of(person.get(PAGE).get_data(as_text=True))
    return person.client.post(PAGE, data={"csrf_token": token, "place": place,
                                          "file": (io.BytesIO(content), filename)},
                              content_type="multipart/form-data")


def import_id_of(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def map_columns(person, import_id: int, **mapping):
    page = f"{PAGE}{import_id}"
    token = csrf_of(person.get(page).get_data(as_text=True))
    data = {"csrf_token": token, **{f"map-{t}": c for t, c in mapping.items()}}
    return person.post(f"{page}/mapping", data)


def households(web_app) -> int:
    with web_app.app_context():
        try:
            return db.session.scalar(select(func.count()).select_from(Household))
        finally:
            db.session.remove()


LATIN1 = (f"RUT;Apellidos;Dirección;Nombre\n"
          f"{rut_of(20_000_000)};Muñoz Peña;Pasaje Ñandú 4;José Muñoz\n"
          f"{bad_rut(20_000_001)};Soto;Calle 2;Rosa Soto\n"
          f"{rut_of(20_000_002)};=HYPERLINK(\"http://x\");Calle 3;Ana\n").encode("latin-1")


def test_a_supervisor_imports_a_latin1_export_and_downloads_a_safe_report(as_person, web_app):
    jorge = as_person("jorge")
    assert "Importar familias" in jorge.get("/").get_data(as_text=True) or \
        jorge.get(PAGE).status_code == 200
    import_id = import_id_of(upload(jorge, LATIN1))
    page = jorge.get(f"{PAGE}{import_id}").get_data(as_text=True)
    assert "windows-1252" in page and "separador «;»" in page
    assert "Muñoz Peña" in page  # the preview reads the accents right
    dry = map_columns(jorge, import_id, national_id="RUT", family_name="Apellidos",
                      address="Dirección", head_name="Nombre")
    text = dry.get_data(as_text=True)
    assert dry.status_code == 200
    assert 'data-figure="created">2<' in text and 'data-figure="failed">1<' in text
    assert "Columna «RUT»: El dígito verificador del RUT no corresponde." in text
    assert households(web_app) == 0

    token = csrf_of(jorge.get(f"{PAGE}{import_id}").get_data(as_text=True))
    assert jorge.post(f"{PAGE}{import_id}/run", {"csrf_token": token}).status_code == 302
    assert import_runs.wait(import_id, 60)
    progress = jorge.get(f"{PAGE}{import_id}/progress").get_json()
    assert progress["finished"] and progress["created"] == 2 and progress["failed"] == 1
    assert households(web_app) == 2
    report = jorge.get(f"{PAGE}{import_id}/report.csv")
    assert report.mimetype == "text/csv"
    lines = report.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "fila,resultado,documento,familia,cambios,errores"
    assert lines[1].startswith("2,creada,")
    assert lines[2].startswith("3,error,") and "dígito verificador" in lines[2]
    assert "'=HYPERLINK" in lines[3]  # a formula typed in the registry stays text

    again = import_id_of(upload(jorge, LATIN1))
    map_columns(jorge, again, national_id="RUT", family_name="Apellidos",
                address="Dirección", head_name="Nombre")
    token = csrf_of(jorge.get(f"{PAGE}{again}").get_data(as_text=True))
    jorge.post(f"{PAGE}{again}/run", {"csrf_token": token})
    assert import_runs.wait(again, 60)
    assert jorge.get(f"{PAGE}{again}/progress").get_json()["unchanged"] == 2
    assert households(web_app) == 2


@pytest.mark.parametrize("content, separator", [
    (("\ufeffRUT,Apellidos\n" + rut_of(21_000_000) + ",Núñez\n").encode("utf-8"), "«,»"),
    ((f"RUT;Apellidos\n{rut_of(21_000_000)};Núñez\n").encode(), "«;»"),
    ((f"RUT;Apellidos\n{rut_of(21_000_000)};Núñez\n").encode("latin-1"), "«;»"),
])
def test_encodings_and_separators_are_read_as_a_registry_writes_them(as_person, content,
                                                                      separator):
    jorge = as_person("jorge")
    import_id = import_id_of(upload(jorge, content))
    page = jorge.get(f"{PAGE}{import_id}").get_data(as_text=True)
    assert separator in page and "Núñez" in page
    dry = map_columns(jorge, import_id, national_id="RUT", family_name="Apellidos")
    assert 'data-figure="created">1<' in dry.get_data(as_text=True)


@pytest.mark.parametrize("content, filename, words", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "foto.csv", "no es texto"),
    ("RUT;Apellidos\n1;a\n".encode("utf-16"), "rsh.csv", "no es texto"),
    (b"", "rsh.csv", "vacío"),
    (b"[1, 2, 3]", "rsh.json", "ni una lista JSON"),
    (b"RUT;;Apellidos\n1;2;3\n", "rsh.csv", "sin nombres repetidos ni vacíos"),
])
def test_hostile_files_are_refused_in_words_and_change_nothing(as_person, web_app, content,
                                                                filename, words):
    jorge = as_person("jorge")
    refused = upload(jorge, content, filename)
    assert refused.status_code == 422
    assert words in refused.get_data(as_text=True)
    with web_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(HouseholdImport)) == 0
        db.session.remove()


def test_a_file_over_the_limit_is_refused_before_it_is_read(as_person):
    jorge = as_person("jorge")
    huge = b"RUT;Apellidos\n" + b"1;" + b"x" * (9 * 1024 * 1024)
    refused = upload(jorge, huge)
    assert refused.status_code == 413 and "máximo 8256 KB" in refused.get_data(as_text=True)
    note = "n" * 200
    large = "RUT;Apellidos;Nota\n" + "".join(f"{rut_of(22_000_000 + n)};F {n};{note}\n"
                                             for n in range(12_000))
    assert len(large) > 2 * 1024 * 1024  # over the app's 1 MB, under the import's 8 MB
    import_id_of(upload(jorge, large.encode("utf-8")))


def test_wrong_columns_name_the_field_to_choose(as_person):
    jorge = as_person("jorge")
    import_id = import_id_of(upload(jorge, b"color;tamano\nrojo;grande\n"))
    refused = map_columns(jorge, import_id, national_id="color")
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert 'id="err-family_name"' in text and "Este campo es obligatorio." in text


def test_caseworkers_and_other_territories_may_not_import(as_person):
    jorge, ana, marco = as_person("jorge"), as_person("ana"), as_person("marco")
    import_id = import_id_of(upload(jorge, LATIN1))
    assert ana.get(PAGE).status_code == 403
    assert "Importar familias" not in ana.get("/").get_data(as_text=True)
    assert marco.get(PAGE).status_code == 403  # Familias runs in no territory of his
    assert marco.get(f"{PAGE}{import_id}").status_code == 404
    assert marco.get(f"{PAGE}{import_id}/report.csv").status_code == 404
    refused = upload(jorge, LATIN1, place="familias|somma_lombardo")
    assert refused.status_code in (403, 404)


def test_an_english_reader_reads_the_dry_run_in_english_and_json_is_taken(as_person):
    jorge = as_person("jorge")
    jorge.post("/account/language", {"locale": "en", "next": "/"})
    export = json.dumps([{"rut": bad_rut(23_000_000), "apellidos": "Soto"},
                         {"rut": rut_of(23_000_001), "apellidos": "Vera",
                          "integrantes": [{"name": "Ema Vera", "age": 300}]}])
    import_id = import_id_of(upload(jorge, export.encode("utf-8"), "rsh.json"))
    dry = map_columns(jorge, import_id, national_id="rut", family_name="apellidos",
                      members="integrantes").get_data(as_text=True)
    assert "Dry run" in dry and "Column «rut»:" in dry
    assert "Column «integrantes», member 1, age:" in dry
