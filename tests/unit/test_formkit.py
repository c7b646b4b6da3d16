"""formkit: task forms rendered from JSON Schema, read back from what a browser submits."""

import json
from collections import defaultdict
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
GENERIC = json.loads((ROOT / "tests/fixtures/formkit/generic.json").read_text(encoding="utf-8"))
DAY = date(2026, 3, 5)
FAMILIAS = sorted(p.stem for p in (ROOT / "forms/familias").glob("*.json"))

TWO_GOAL_PLAN = {"fecha_firma_plan": "2026-03-05", "metas": [
    {"dimension": "salud", "meta": "Controles al día", "acciones": [
        {"accion": "Pedir hora en el CESFAM", "responsable": "Carla", "fecha_limite": "2026-04-01"},
        {"accion": "Ir al control", "responsable": "Luis", "fecha_limite": "2026-05-01",
         "oferta": "otra"}]},
    {"dimension": "ingresos", "meta": "Ahorro <mensual>", "acciones": [
        {"accion": "Abrir cuenta RUT", "responsable": "AFI", "fecha_limite": "2026-06-30"}]}]}

SAMPLES = {
    "primer_contacto": demo_data.contacto(DAY),
    "primer_contacto, familia no ubicada": demo_data.contacto(DAY, ubicada=False),
    "ingreso": demo_data.ingreso(DAY),
    "ingreso rechazado": {"respuesta": "rechaza", "motivo_rechazo": "No tiene tiempo.\nVolver"},
    "diagnostico": demo_data.diagnostico(DAY, interes_laboral=False),
    "plan": demo_data.plan(DAY),
    "plan de dos metas": TWO_GOAL_PLAN,
    "sesion": demo_data.sesion(DAY),
    "sesion con traslado": demo_data.sesion(
        DAY, "traslado", comuna_destino="Calama", componente="sociolaboral",
        participantes=["Carla Rojas", "Luis Pérez", "Ana"], derivaciones=["yo_trabajo", "prodemu"]),
    "seguimiento": demo_data.seguimiento(DAY),
    "evaluacion_final": demo_data.evaluacion_final(DAY),
    "aprobar_egreso": {"aprobado": False, "observaciones": "Falta la Matriz"},
    "registrar_desistimiento": {"fecha": "2026-03-05", "motivo": "Se cambia de región",
                                "mesa_analisis_caso": False},
    "revision_atraso": {"accion": "otro", "comentario": "Llamar a la familia"},
}


class Page(HTMLParser):
    """The rendered fields as a browser reads them: elements, labels, text, what it sends."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self.text = defaultdict(str)
        self.sent: list[tuple[str, str]] = []
        self._open: list[dict] = []
        self._template = 0
        self._select: dict | None = None
        self._textarea: list | None = None
        self.feed(str(html))
        self.close()

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "template": bool(self._template),
                   "inside": [e["attrs"].get("class", "") for e in self._open]}
        self.elements.append(element)
        self._template += tag == "template"
        if tag not in ("input", "br", "img"):
            self._open.append(element)
        if not self._template:
            self._submit(tag, element["attrs"])

    def _submit(self, tag, a):
        if tag == "input" and a.get("type") in ("radio", "checkbox"):
            self.sent += [(a["name"], a["value"])] if "checked" in a else []
        elif tag == "input":
            self.sent.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = {"name": a["name"], "first": None, "chosen": None}
        elif tag == "option" and self._select:
            self._select["first"] = self._select["first"] or [a["value"]]
            self._select["chosen"] = a["value"] if "selected" in a else self._select["chosen"]
        elif tag == "textarea":
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        for element in self._open:
            if "id" in element["attrs"]:
                self.text[element["attrs"]["id"]] += data
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        while self._open and self._open.pop()["tag"] != tag:
            pass
        self._template -= tag == "template"
        if tag == "select" and self._select:
            chosen = self._select["chosen"]
            self.sent.append((self._select["name"], self._select["first"][0]
                              if chosen is None else chosen))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            self.sent.append((name, value.removeprefix("\n")))  # as browsers parse it
            self._textarea = None

    def live(self, *tags) -> list[dict]:
        """Elements on the page (not inside a <template>), optionally only these tags."""
        return [e for e in self.elements if not e["template"] and (not tags or e["tag"] in tags)]

    def controls(self) -> list[dict]:
        return self.live("input", "select", "textarea")

    def by_id(self, element_id: str) -> dict:
        return next(e for e in self.live() if e["attrs"].get("id") == element_id)

    def submission(self) -> MultiDict:
        return MultiDict(self.sent)


def render(key: str, values=None, errors=None, **options) -> str:
    return str(render_form(LIBRARY.schema(f"familias/{key}"), values or {}, errors or {},
                           references=REFERENCES, **options))


def browser_round_trip(schema: dict, values: dict) -> dict:
    html = render_form(schema, values, {}, references=REFERENCES)
    return parse_form(schema, Page(html).submission())


@pytest.mark.parametrize("key", FAMILIAS)
def test_every_familias_form_renders_each_control_with_a_label_and_a_unique_id(key):
    page = Page(render(key))
    ids = [e["attrs"]["id"] for e in page.live() if "id" in e["attrs"]]
    labelled = {e["attrs"]["for"] for e in page.live("label")}
    assert page.controls()
    assert len(ids) == len(set(ids))
    assert all(c["attrs"]["id"] in labelled for c in page.controls())
    assert all(c["attrs"]["name"] for c in page.controls())


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_what_a_browser_submits_for_a_rendered_form_parses_back_to_the_same_data(name):
    key = name.split(" ")[0].rstrip(",")
    schema = LIBRARY.schema(f"familias/{key}")
    assert LIBRARY.validate(f"familias/{key}", SAMPLES[name]) == []
    assert browser_round_trip(schema, SAMPLES[name]) == SAMPLES[name]


def test_generic_widgets_round_trip_too():
    values = {"nota": "Línea 1\nLínea 2", "peso": 72.5, "prioridad": 2, "comuna": "taltal",
              "domicilio": {"calle": "Av. Brasil", "numero": 1450},
              "fechas": ["2026-03-01", "2026-03-15"], "acepta": True}
    assert browser_round_trip(GENERIC, values) == values


def test_no_control_carries_the_html_required_attribute_so_the_server_messages_show():
    for key in FAMILIAS:
        assert not any("required" in c["attrs"] for c in Page(render(key)).controls())


def test_required_fields_are_marked_in_the_label_but_conditionally_required_ones_are_not():
    html = render("primer_contacto")
    assert 'for="f-fecha_contacto">Fecha del contacto<span class="formkit-required"' in html
    assert "(obligatorio)" in html
    assert 'for="f-observaciones">Observaciones</label>' in html


def test_an_error_sits_next_to_its_nested_field_and_the_control_points_at_it():
    path = "metas[1].acciones[0].fecha_limite"
    page = Page(render("plan", TWO_GOAL_PLAN, {path: "Formato inválido."}))
    control = page.by_id("f-metas-1-acciones-0-fecha_limite")
    assert control["attrs"]["name"] == path
    assert control["attrs"]["aria-invalid"] == "true"
    assert "f-metas-1-acciones-0-fecha_limite-error" in control["attrs"]["aria-describedby"]
    assert page.text["f-metas-1-acciones-0-fecha_limite-error"] == "Formato inválido."
    error = page.by_id("f-metas-1-acciones-0-fecha_limite-error")
    assert "formkit-field--error" in error["inside"][-1]
    assert "formkit-error" in error["attrs"]["class"]
    others = [c for c in page.controls() if c["attrs"].get("aria-invalid")]
    assert others == [control]


def test_help_text_and_error_are_both_described_on_the_control():
    page = Page(render("primer_contacto", {"intentos": 0}, {"intentos": "Debe ser mayor."}))
    described = page.by_id("f-intentos")["attrs"]["aria-describedby"].split()
    assert described == ["f-intentos-help", "f-intentos-error"]
    assert page.text["f-intentos-help"].startswith("Visitas, llamadas")


def test_radio_groups_mark_every_option_invalid_and_grid_rows_carry_their_own_error():
    page = Page(render("diagnostico", {}, {"interes_laboral": "Obligatorio.",
                                           "matriz.i33": "Elija un estado."}))
    radios = [c for c in page.controls() if c["attrs"]["name"] == "interes_laboral"]
    assert [r["attrs"]["aria-invalid"] for r in radios] == ["true", "true"]
    cells = [c for c in page.controls() if c["attrs"]["name"] == "matriz.i33"]
    assert all(c["attrs"]["aria-describedby"] == "f-matriz-i33-error" for c in cells)
    assert page.text["f-matriz-i33-error"] == "Elija un estado."


def test_form_level_errors_and_errors_on_unknown_paths_show_only_in_the_summary_at_the_top():
    html = render("primer_contacto", {}, {"fecha_contacto": "Este campo es obligatorio.",
                                          "(formulario)": "Revise el formulario.",
                                          "no.existe": "Campo desconocido."})
    assert html.index("formkit-summary") < html.index('name="familia_ubicada"')
    summary = html[:html.index("</ul>")]
    assert "Revise el formulario." in summary and "Campo desconocido." in summary
    assert html.count("Campo desconocido.") == 1
    assert 'href="#f-fecha_contacto">Fecha del contacto: Este campo es obligatorio.' in summary
    assert "formkit-summary" not in render("primer_contacto")


def test_empty_answers_are_omitted_so_the_validator_reports_them_as_required():
    form = MultiDict({"familia_ubicada": "", "fecha_contacto": "  ", "intentos": "",
                      "observaciones": "\r\n"})
    data = parse_form(LIBRARY.schema("familias/primer_contacto"), form)
    assert data == {}
    missing = {e.field for e in LIBRARY.validate("familias/primer_contacto", data)}
    assert missing == {"familia_ubicada", "fecha_contacto", "intentos"}


def test_no_is_an_answer_and_is_not_confused_with_an_empty_one():
    schema = LIBRARY.schema("familias/registrar_desistimiento")
    assert parse_form(schema, MultiDict({"mesa_analisis_caso": "false"})) == {
        "mesa_analisis_caso": False}
    page = Page(render("registrar_desistimiento", {"mesa_analisis_caso": False}))
    assert page.submission().getlist("mesa_analisis_caso") == ["false"]


def test_a_number_that_does_not_parse_stays_text_so_the_validator_names_the_field():
    schema = LIBRARY.schema("familias/primer_contacto")
    data = parse_form(schema, MultiDict({"intentos": "dos", "familia_ubicada": "true"}))
    assert data == {"intentos": "dos", "familia_ubicada": True}
    fields = {(e.field, e.code) for e in LIBRARY.validate("familias/primer_contacto", data)}
    assert ("intentos", "type") in fields
    assert parse_form(schema, MultiDict({"intentos": " 3 "})) == {"intentos": 3}
    assert parse_form(schema, MultiDict({"intentos": "2.5"})) == {"intentos": "2.5"}
    shown = Page(render("primer_contacto", data)).by_id("f-intentos")["attrs"]
    assert shown["value"] == "dos" and shown["type"] == "text"  # kept for correction


def test_decimal_numbers_accept_a_comma_and_refuse_nan():
    read = lambda text: parse_form(GENERIC, MultiDict({"peso": text}))  # noqa: E731
    assert read("72,5") == {"peso": 72.5}
    assert read("72") == {"peso": 72}
    assert read("nan") == {"peso": "nan"}


def test_empty_repeating_rows_are_dropped_and_the_others_kept_in_index_order():
    form = MultiDict([("metas[10].meta", "Vivienda"), ("metas[2].meta", "Empleo"),
                      ("metas[2].acciones[0].accion", "Postular"),
                      ("metas[2].acciones[1].accion", " "), ("metas[3].meta", ""),
                      ("metas[3].acciones[0].accion", ""), ("metas[3].dimension", ""),
                      ("participantes[0]", ""), ("csrf_token", "x"), ("action", "submit")])
    data = parse_form(LIBRARY.schema("familias/plan"), form)
    assert data == {"metas": [{"meta": "Empleo", "acciones": [{"accion": "Postular"}]},
                              {"meta": "Vivienda"}]}
    sesion = parse_form(LIBRARY.schema("familias/sesion"), MultiDict(
        [("participantes[1]", "Luis"), ("participantes[0]", " "), ("participantes[2]", "Ana")]))
    assert sesion == {"participantes": ["Luis", "Ana"]}


def test_a_repeating_group_shows_its_rows_one_empty_row_a_template_and_the_buttons():
    html = render("plan", TWO_GOAL_PLAN)
    page = Page(html)
    names = {c["attrs"]["name"] for c in page.controls()}
    assert {"metas[2].meta", "metas[0].acciones[2].accion", "metas[2].acciones[0].accion"} <= names
    assert "metas[3].meta" not in names
    assert 'data-formkit-add="f-metas" data-formkit-token="__n0__"' in html
    assert '<template id="f-metas-template">' in html
    assert 'name="metas[__n0__].acciones[__n1__].accion"' in html
    rows = [e for e in page.live("fieldset") if "formkit-item" in e["attrs"].get("class", "")]
    removes = [b for b in page.live("button") if "data-formkit-remove" in b["attrs"]]
    assert len(rows) == len(removes) == 3 + (3 + 2 + 1)  # goals, and actions of each goal
    assert "Agregar <span" in html and "Quitar" in html
    assert not any("__n" in name for name, _value in page.sent)


def test_min_items_rows_are_rendered_even_without_data():
    page = Page(render("plan"))
    names = [c["attrs"]["name"] for c in page.controls()]
    assert "metas[0].meta" in names and "metas[0].acciones[0].accion" in names
    assert "metas[1].meta" not in names  # one row satisfies minItems and is the empty one
    assert "participantes[0]" in {c["attrs"]["name"] for c in Page(render("sesion")).controls()}


def test_widgets_follow_the_schema():
    page = Page(render("sesion", {}, {}))
    kinds = {c["attrs"]["name"]: (c["tag"], c["attrs"].get("type")) for c in page.controls()}
    assert kinds["fecha_sesion"] == ("input", "date")
    assert kinds["tipo_sesion"] == ("input", "radio")  # four options
    assert kinds["derivaciones"] == ("input", "checkbox")
    assert kinds["temas"] == ("textarea", None)  # maxLength 2000
    assert kinds["comuna_destino"] == ("input", "text")
    assert kinds["participantes[0]"] == ("input", "text")
    plan = Page(render("plan"))
    assert plan.by_id("f-metas-0-acciones-0-oferta")["tag"] == "select"  # seven options
    count = Page(render("seguimiento")).by_id("f-acciones_realizadas")["attrs"]
    assert (count["type"], count["min"], count["step"], count["inputmode"]) == (
        "number", "0", "1", "numeric")


def test_a_select_starts_with_an_empty_choice_and_labels_come_from_x_labels_or_one_of():
    html = render("plan")
    assert '<option value="">Elegir…</option><option value="salud">Salud</option>' in html
    generic = str(render_form(GENERIC, {"prioridad": 3}, {}))
    assert 'value="3" checked' in generic and "> Baja</label>" in generic
    assert '<textarea id="f-nota" name="nota"' in generic


def test_a_saved_value_that_is_no_longer_an_option_is_still_shown():
    page = Page(render("plan", {"metas": [{"dimension": "cultura"}]}))
    assert ("metas[0].dimension", "cultura") in page.sent


def test_the_grid_is_a_table_per_dimension_with_a_labelled_radio_per_state():
    html = render("diagnostico", demo_data.diagnostico(DAY))
    page = Page(html)
    captions = html.count("<caption>")
    assert captions == len(REFERENCES["matriz_bienestar"]["dimensiones"])
    assert "<caption>Trabajo y Seguridad Social</caption>" in html
    assert '<th scope="col">A trabajar</th>' in html and '<th scope="row">' in html
    assert html.count('name="matriz.i33"') == 4
    assert 'name="matriz.i33" value="critico" checked' in html
    assert '<td data-label="No aplica">' in html
    radio = page.by_id("f-matriz-i33-2")["attrs"]
    assert radio["aria-labelledby"] == "f-matriz-i33-title f-matriz-i33-2-state"
    assert page.text["f-matriz-i33-2-state"] == "Crítico"


def test_the_grid_falls_back_to_codes_without_reference_data():
    html = str(render_form(LIBRARY.schema("familias/diagnostico"), {}, {}))
    assert "<caption>salud</caption>" in html and '<th scope="col">a_trabajar</th>' in html


def test_grid_answers_become_an_object_of_states_and_unknown_codes_are_ignored():
    form = MultiDict({"matriz.i32": "critico", "matriz.zz9": "critico", "matriz.i33": ""})
    assert parse_form(LIBRARY.schema("familias/diagnostico"), form) == {
        "matriz": {"i32": "critico"}}


def test_the_interface_words_go_through_translate():
    words = {"Sí": "Sì", "No": "No", "Agregar": "Aggiungi", "Quitar": "Rimuovi",
             "obligatorio": "obbligatorio", "Elegir…": "Scegli…", "Indicador": "Indicatore"}
    html = render("plan", translate=lambda s: words.get(s, s))
    assert "Aggiungi" in html and "Rimuovi" in html and "Scegli…" in html
    assert "(obbligatorio)" in html and "Agregar" not in html
    assert "Sì" in render("primer_contacto", translate=lambda s: words.get(s, s))


def test_a_fresh_form_shows_the_schema_defaults_but_a_draft_keeps_its_own_answers():
    fresh = Page(render("sesion")).submission()
    assert fresh["novedad"] == "ninguna" and fresh["componente"] == "psicosocial"
    draft = Page(render("sesion", {"temas": "Plan"})).submission()
    assert "novedad" not in draft and "componente" not in draft


def test_text_from_the_schema_the_values_and_the_errors_is_escaped():
    evil = '<script>alert(1)</script>"'
    schema = {"type": "object", "required": ["x"], "properties": {
        "x": {"type": "string", "title": evil, "description": evil},
        "y": {"type": "string", "enum": ["a", evil], "x-labels": {"a": evil}},
        "z": {"type": "array", "title": evil, "items": {"type": "object", "title": evil,
                                                        "properties": {"w": {"type": "string"}}}}}}
    html = str(render_form(schema, {"x": evil, "y": evil, "z": [{"w": evil}]},
                           {"x": evil, "(formulario)": evil, evil: evil},
                           translate=lambda s: s))
    assert "<script>" not in html and 'value="<' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;" in html
    page = Page(html)
    assert page.by_id("f-x")["attrs"]["value"] == evil  # the browser sees the real text
    assert parse_form(schema, page.submission())["x"] == evil.strip()
