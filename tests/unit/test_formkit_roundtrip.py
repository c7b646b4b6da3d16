"""Task forms rendered from JSON Schema come back as the same data, errors sit by their field."""

from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from engine.definitions.forms import FormLibrary
from web import demo_data
from web.formkit import parse_form, render_form

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = FormLibrary(ROOT / "forms")
REFERENCES = {"matriz_bienestar": LIBRARY.reference("matriz_bienestar")}
DAY = date(2026, 3, 5)
SAMPLES = {
    "familias/primer_contacto": demo_data.contacto(DAY),
    "familias/ingreso": demo_data.ingreso(DAY),
    "familias/diagnostico": demo_data.diagnostico(DAY),
    "familias/plan": demo_data.plan(DAY),
    "familias/sesion": demo_data.sesion(DAY, "traslado", comuna_destino="Calama",
                                        derivaciones=["yo_trabajo", "prodemu"]),
    "familias/seguimiento": demo_data.seguimiento(DAY),
    "familias/evaluacion_final": demo_data.evaluacion_final(DAY),
    "familias/aprobar_egreso": {"aprobado": False, "observaciones": "Falta la Matriz"},
}


class BrowserSubmission(HTMLParser):
    """What a browser would send for a page: text, checked boxes and radios, selections."""

    def __init__(self):
        super().__init__()
        self.fields, self.labels_for, self.ids = [], set(), set()
        self._template, self._select, self._textarea = 0, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "template":
            self._template += 1
        if self._template:
            return
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "label" and "for" in a:
            self.labels_for.add(a["for"])
        self._field(tag, a)

    def _field(self, tag, a):
        if tag == "input" and a.get("type") in ("radio", "checkbox"):
            if "checked" in a:
                self.fields.append((a["name"], a["value"]))
        elif tag == "input":
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a["value"]))
        elif tag == "textarea":
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "template":
            self._template -= 1
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append(tuple(self._textarea))
            self._textarea = None


def submitted(html: str) -> MultiDict:
    parser = BrowserSubmission()
    parser.feed(html)
    return MultiDict(parser.fields)


def render(key, values=None, errors=None):
    return render_form(LIBRARY.schema(key), values or {}, errors or {}, references=REFERENCES)


@pytest.mark.parametrize("key", sorted(p.stem for p in (ROOT / "forms" / "familias").glob("*")))
def test_every_familias_form_renders_with_a_label_for_every_input(key):
    html = render(f"familias/{key}")
    parser = BrowserSubmission()
    parser.feed(html)
    assert parser.fields or key == "revision_atraso"
    assert all(target in parser.ids for target in parser.labels_for)


@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_a_browser_submission_round_trips_to_the_same_data(key):
    data = SAMPLES[key]
    schema = LIBRARY.schema(key)
    assert parse_form(schema, submitted(render(key, data))) == data
    assert LIBRARY.validate(key, data) == []


def test_empty_answers_are_left_out_so_required_fields_are_reported():
    data = parse_form(LIBRARY.schema("familias/primer_contacto"),
                      MultiDict({"fecha_contacto": " ", "intentos": "", "observaciones": ""}))
    assert data == {}


def test_a_number_that_does_not_parse_is_kept_for_the_validator_to_name():
    schema = LIBRARY.schema("familias/primer_contacto")
    assert parse_form(schema, MultiDict({"intentos": "dos"})) == {"intentos": "dos"}
    assert parse_form(schema, MultiDict({"intentos": "2"})) == {"intentos": 2}


def test_empty_rows_of_a_repeating_group_are_dropped():
    form = MultiDict({"metas[0].meta": "Empleo", "metas[0].acciones[0].accion": "Postular",
                      "metas[1].meta": "", "metas[1].acciones[0].accion": "",
                      "metas[5].meta": "Vivienda"})
    data = parse_form(LIBRARY.schema("familias/plan"), form)
    assert data == {"metas": [{"meta": "Empleo", "acciones": [{"accion": "Postular"}]},
                              {"meta": "Vivienda"}]}


def test_errors_sit_next_to_their_nested_field_with_aria():
    html = render("familias/plan", SAMPLES["familias/plan"],
                  {"metas[0].acciones[0].fecha_limite": "Formato inválido.",
                   "(formulario)": "Revise el plan."})
    assert 'id="f-metas-0-acciones-0-fecha_limite-error">Formato inválido.</p>' in html
    assert 'aria-invalid="true"' in html and "formkit-summary" in html


def test_the_matriz_grid_has_a_radio_per_state_grouped_by_dimension():
    html = render("familias/diagnostico", SAMPLES["familias/diagnostico"])
    assert html.count('name="matriz.i33"') == 4
    assert 'name="matriz.i33" value="critico" checked' in html
    assert "Trabajo y Seguridad Social" in html


def test_text_from_the_schema_and_the_values_is_escaped():
    schema = {"properties": {"x": {"type": "string", "title": "<script>alert(1)</script>"}}}
    html = render_form(schema, {"x": '"><img src=x onerror=alert(1)>'}, {})
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html
