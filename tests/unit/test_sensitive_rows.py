"""Sensitive fields inside repeating rows (an array of objects: a group or a grid): found by
path (``visitas[].nota``), masked in every row on a read-only step and a completed one
(web.tasks.sensitive, rendered by web.formkit), and in the corrections of a row."""


import engine
from engine import policy
from engine.policy.sensitive_rules import DEFAULT_SENSITIVE_ROLES
from web.formkit import render_answers, render_form
from web.tasks import sensitive

SECRET, OTHER = "Denuncia por violencia", "Visita de rutina"
SCHEMA = {"type": "object", "properties": {
    "fecha": {"type": "string", "title": "Fecha"},
    "visitas": {"type": "array", "title": "Visitas", "items": {
        "type": "object", "properties": {
            "lugar": {"type": "string", "title": "Lugar"},
            "nota": {"type": "string", "title": "Nota", "x-sensitive": True,
                     "x-sensitive-roles": ["caseworker"]},
            "hijos": {"type": "array", "title": "Hijos", "items": {
                "type": "object", "properties": {
                    "nombre": {"type": "string", "title": "Nombre"},
                    "salud": {"type": "string", "title": "Salud", "x-sensitive": True}}}}}}}}}
VALUES = {"fecha": "2026-03-02", "visitas": [
    {"lugar": "Domicilio", "nota": SECRET, "hijos": [{"nombre": "Luca", "salud": "asma"}]},
    {"lugar": "Escuela", "nota": OTHER, "hijos": []}]}


def test_fields_of_repeating_rows_are_found_by_path_with_their_roles():
    assert policy.sensitive_fields(SCHEMA) == {
        "visitas[].nota": frozenset({"caseworker"}),
        "visitas[].hijos[].salud": DEFAULT_SENSITIVE_ROLES}
    manager = engine.Actor("m", frozenset({"manager"}), frozenset({1}))
    assert policy.hidden_fields(None, manager, SCHEMA, 1) == frozenset(
        policy.sensitive_fields(SCHEMA))


def test_every_row_is_masked_and_the_rest_of_the_row_reads_as_recorded(app):
    hidden = frozenset(policy.sensitive_fields(SCHEMA))
    with app.test_request_context():
        schema, values = sensitive.masked(SCHEMA, VALUES, hidden)
        shown = str(render_answers(schema, values))
        filled = str(render_form(schema, values, {}))
    assert [row["nota"] for row in values["visitas"]] == ["[reservado]"] * 2
    assert values["visitas"][0]["hijos"] == [{"nombre": "Luca", "salud": "[reservado]"}]
    for page in (shown, filled):
        assert SECRET not in page and OTHER not in page and "asma" not in page
        assert "[reservado]" in page and "Domicilio" in page and "Luca" in page
    assert VALUES["visitas"][0]["nota"] == SECRET  # the answers themselves are untouched


def test_a_correction_inside_a_row_or_of_the_whole_list_is_masked(app):
    hidden = frozenset({"visitas[].nota"})
    assert sensitive.covers(hidden, "visitas[1].nota")
    assert sensitive.covers(hidden, "visitas")  # rows added or removed: the list as a whole
    assert not sensitive.covers(hidden, "visitas[0].lugar")
    assert not sensitive.covers(hidden, "fecha")
    assert sensitive.covers(frozenset({"salud"}), "salud.nota")
