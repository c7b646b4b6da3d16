"""What changed between two versions, as the compare page lists it: steps added, removed,
renamed and moved to another lane, a timer changed, form fields added, removed and changed,
deadline rules and cycles changed, decision table rows added and changed."""

from pathlib import Path

import pytest

from engine.definitions.version_diff import Side, compare

HERE = Path(__file__).parent.parent / "fixtures" / "versions"
CONTACT = {"title": "Contacto", "type": "object", "required": ["fecha"], "properties": {
    "fecha": {"type": "string", "format": "date", "title": "Fecha"},
    "canal": {"type": "string", "title": "Canal", "enum": ["visita", "telefono"]},
    "notas": {"type": "string", "title": "Notas"},
    "ninos": {"type": "array", "title": "Niños", "items": {"type": "object", "properties": {
        "nombre": {"type": "string", "title": "Nombre"}}}},
}}
SETTINGS = {"programa": {"clave": "mini"},
            "roles": {"Equipo": "caseworker"},
            "plazos": {"contacto": {"titulo": "Primer contacto", "dias": 15, "tipo": "habiles",
                                    "desde": "fecha_asignacion", "aviso_dias": 3},
                       "cierre": {"titulo": "Cierre", "meses": 24}},
            "ciclos": {"seguimiento": "P1M"}}


def changed_contact() -> dict:
    """The contact form of version 2: a required channel with one more option, a new field,
    ``notas`` gone, a child's name retitled."""
    schema = {**CONTACT, "required": ["fecha", "canal"], "properties": dict(CONTACT["properties"])}
    del schema["properties"]["notas"]
    schema["properties"]["canal"] = {**CONTACT["properties"]["canal"],
                                     "enum": ["visita", "telefono", "videollamada"]}
    schema["properties"]["telefono"] = {"type": "string", "title": "Teléfono"}
    schema["properties"]["ninos"] = {"type": "array", "title": "Niños", "items": {
        "type": "object", "properties": {"nombre": {"type": "string", "title": "Nombre completo"}}}}
    return schema


def settings_two() -> dict:
    return {**SETTINGS, "roles": {"Equipo": "caseworker", "Jefatura": "supervisor"},
            "plazos": {"contacto": {**SETTINGS["plazos"]["contacto"], "dias": 10,
                                    "escala_a": "manager"},
                       "visita": {"titulo": "Visita", "dias": 30}},
            "ciclos": {"seguimiento": "P2M"}}


def side(version: int, forms: dict, settings: dict) -> Side:
    sources = {"mini.bpmn": (HERE / f"v{version}.bpmn").read_text(encoding="utf-8"),
               "reglas.dmn": (HERE / f"reglas_v{version}.dmn").read_text(encoding="utf-8")}
    return Side(sources, forms, settings)


@pytest.fixture(scope="module")
def diff():
    return compare(side(1, {"mini/contacto": CONTACT, "mini/visita": {"title": "Visita"}},
                        SETTINGS),
                   side(2, {"mini/contacto": changed_contact(),
                            "mini/llamada": {"title": "Llamada"}}, settings_two()))


def by_code(differences, code):
    return [d.params for d in differences if d.code == code]


def test_the_same_version_has_no_differences():
    one = side(1, {"mini/contacto": CONTACT}, SETTINGS)
    assert compare(one, one).empty


def test_a_step_added_and_a_step_removed_are_named_with_their_flows(diff):
    assert diff.elements("added") == ["carril_jefatura", "llamada"]
    assert diff.elements("removed") == ["visita"]
    removed = by_code(diff.diagram, "diagram.element_removed")[0]
    assert removed == {"element": "visita", "type": "userTask", "name": "Visita domiciliaria"}


def test_a_renamed_step_moved_to_another_lane_says_both(diff):
    cierre = next(p for p in by_code(diff.diagram, "diagram.element_changed")
                  if p["element"] == "cierre")
    assert cierre["changes"] == [
        {"attribute": "name", "before": "Cierre", "after": "Cierre del caso"},
        {"attribute": "lane", "before": "Equipo", "after": "Jefatura"}]


def test_a_changed_timer_says_its_kind_and_expression(diff):
    aviso = next(p for p in by_code(diff.diagram, "diagram.element_changed")
                 if p["element"] == "aviso")
    assert aviso["changes"] == [
        {"attribute": "timer_kind", "before": "date", "after": "duration"},
        {"attribute": "timer", "before": 'recordatorio("contacto")', "after": '"P3D"'}]


def test_rewired_flows_are_changed_and_untouched_elements_are_not(diff):
    changed = diff.elements("changed")
    assert {"f2", "f3"} <= set(changed)
    assert not {"inicio", "contacto", "fin", "f1", "f4"} & set(changed)


def test_forms_added_and_removed_by_key(diff):
    assert by_code(diff.forms, "form.added") == [{"form": "mini/llamada", "title": "Llamada"}]
    assert by_code(diff.forms, "form.removed") == [{"form": "mini/visita", "title": "Visita"}]


def test_form_fields_added_removed_and_changed(diff):
    assert by_code(diff.forms, "form.field_added") == [
        {"form": "mini/contacto", "form_title": "Contacto", "field": "telefono",
         "title": "Teléfono", "type": "string", "required": False}]
    assert [p["field"] for p in by_code(diff.forms, "form.field_removed")] == ["notas"]
    changed = {p["field"]: p["changes"] for p in by_code(diff.forms, "form.field_changed")}
    assert changed["canal"] == [
        {"attribute": "required", "before": False, "after": True},
        {"attribute": "enum", "before": ["visita", "telefono"],
         "after": ["visita", "telefono", "videollamada"], "added": ["videollamada"],
         "removed": []}]
    assert changed["ninos.nombre"] == [
        {"attribute": "title", "before": "Nombre", "after": "Nombre completo"}]


def test_deadline_rules_added_removed_and_changed(diff):
    assert by_code(diff.deadlines, "deadline.changed") == [{
        "deadline": "contacto", "title": "Primer contacto", "changes": [
            {"attribute": "days", "before": 15, "after": 10},
            {"attribute": "escalate_to", "before": "supervisor", "after": "manager"}]}]
    assert [p["deadline"] for p in by_code(diff.deadlines, "deadline.removed")] == ["cierre"]
    added = by_code(diff.deadlines, "deadline.added")[0]
    assert added["rule"]["days"] == 30 and added["rule"]["kind"] == "corridos"


def test_a_changed_cycle_and_another_table_are_said(diff):
    assert by_code(diff.deadlines, "cycle.changed") == [
        {"cycle": "seguimiento", "before": "P1M", "after": "P2M"}]
    assert by_code(diff.other, "settings.table_changed") == [{"table": "roles"}]


def test_decision_rows_added_and_changed_and_the_hit_policy(diff):
    assert by_code(diff.rules, "rules.hit_policy_changed") == [
        {"decision": "riesgo", "name": "Nivel de riesgo", "before": "UNIQUE", "after": "FIRST"}]
    assert by_code(diff.rules, "rules.row_added") == [
        {"decision": "riesgo", "name": "Nivel de riesgo", "row": "r_medio", "number": 2,
         "inputs": [{"column": "Puntaje", "text": "[5..10["}],
         "outputs": [{"column": "Nivel", "text": '"medio"'}]}]
    assert by_code(diff.rules, "rules.row_changed") == [
        {"decision": "riesgo", "name": "Nivel de riesgo", "row": "r_bajo", "number": 3,
         "changes": [{"column": "Puntaje", "before": "< 10", "after": "< 5"}]}]


def test_unreadable_sources_compare_as_empty_instead_of_failing():
    broken = Side({"mini.bpmn": "<bpmn:definitions", "reglas.dmn": "not xml"})
    assert compare(broken, broken).empty
    assert compare(broken, side(1, {}, {})).elements("added")[:2] == ["carril_equipo", "inicio"]
