"""Acompaña's forms are checked against their meta-schema and the rules it cannot express:
every form of the four programmes passes, and each rule names its problem with a path."""

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from engine.core.messages import PROBLEMS
from engine.definitions.form_checks import (
    MAX_DEPTH,
    MAX_DRAWN,
    drawn_fields,
    form_problems,
    meta_schema,
    pointer,
    reference_shape,
)
from engine.definitions.forms import FormLibrary

ROOT = Path(__file__).resolve().parents[2]
FORMS = sorted(p for p in (ROOT / "forms").glob("*/*.json") if p.parent.name != "reference")
REFERENCES = {p.stem: json.loads(p.read_text(encoding="utf-8"))
              for p in (ROOT / "forms" / "reference").glob("*.json")}


def _form(**fields) -> dict:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "properties": fields}


def _codes(schema, references=REFERENCES) -> set[tuple[str, str]]:
    return {(p.path, p.code) for p in form_problems(schema, references)}


def test_the_meta_schema_is_a_valid_2020_12_schema():
    Draft202012Validator.check_schema(meta_schema())


@pytest.mark.parametrize("path", FORMS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_form_of_the_programmes_passes_as_written_and_as_stored_in_a_version(path):
    key = f"{path.parent.name}/{path.stem}"
    assert form_problems(json.loads(path.read_text(encoding="utf-8")), REFERENCES) == []
    expanded = FormLibrary(ROOT / "forms").schema(key)  # grids expanded, as in a version
    assert form_problems(expanded, REFERENCES) == []


def test_the_forms_cover_every_acompana_keyword_the_meta_schema_describes():
    used = set()
    for path in FORMS:
        used |= set(_keywords(FormLibrary(ROOT / "forms").schema(
            f"{path.parent.name}/{path.stem}")))
    described = {k for k in meta_schema()["$defs"]["node"]["properties"] if k.startswith("x-")}
    assert described == {"x-labels", "x-reference", "x-dimension", "x-codigos-de", "x-widget",
                         "x-people", "x-provenance", "x-plan-actions", "x-sensitive",
                         "x-sensitive-roles", "x-consent"}
    assert described - {"x-widget"} <= used  # x-widget is read by the renderer, unused so far


def _keywords(node):
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _keywords(value)
    elif isinstance(node, list):
        for value in node:
            yield from _keywords(value)


def test_every_problem_code_is_registered_with_a_path():
    broken = _form(a={"type": "strin", "tittle": "x"}, **{"b c": {"type": "string"}})
    problems = form_problems(broken, REFERENCES)
    assert problems and all(p.code in PROBLEMS and "path" in PROBLEMS[p.code]
                            for p in problems)


def test_every_problem_is_reported_at_once():
    broken = _form(a={"type": "strin"}, b={"type": "string", "enum": ["x"],
                                           "x-labels": {"y": "Y"}},
                   c={"x-reference": "no_such"})
    broken["required"] = ["zz"]
    assert _codes(broken) == {
        ("/properties/a/type", "form.value_not_allowed"),
        ("/properties/b/x-labels/y", "form.label_not_an_option"),
        ("/properties/c/x-reference", "form.reference_unknown"),
        ("/required/0", "form.required_unknown")}


# one broken form per rule: (what is wrong, the schema, the expected (path, code))
RULES = [
    ("not an object", ["a"], ("", "form.not_an_object")),
    ("root not an object type", {"type": "array", "properties": {}},
     ("/type", "form.value_not_allowed")),
    ("no properties", {"type": "object"}, ("", "form.missing_keyword")),
    ("misspelt keyword", _form(a={"type": "string", "tittle": "A"}),
     ("/properties/a/tittle", "form.unknown_keyword")),
    ("unknown x- keyword", _form(a={"type": "string", "x-label": "A"}),
     ("/properties/a/x-label", "form.unknown_keyword")),
    ("title not text", _form(a={"type": "string", "title": 3}),
     ("/properties/a/title", "form.wrong_type")),
    ("unknown format", _form(a={"type": "string", "format": "phone"}),
     ("/properties/a/format", "form.value_not_allowed")),
    ("field name with a dot", _form(**{"a.b": {"type": "string"}}),
     ("/properties/a.b", "form.bad_field_name")),
    ("too many rows shown", _form(a={"type": "array", "minItems": 10_000,
                                     "items": {"type": "string"}}),
     ("/properties/a/minItems", "form.out_of_range")),
    ("an option twice", _form(a={"enum": ["x", "x"]}), ("/properties/a/enum", "form.duplicate")),
    ("reference name not a name", _form(a={"x-reference": "../etc/passwd"}),
     ("/properties/a/x-reference", "form.bad_name")),
    ("textarea widget unknown", _form(a={"type": "string", "x-widget": "wysiwyg"}),
     ("/properties/a/x-widget", "form.value_not_allowed")),
    ("options without labels as objects", _form(a={"oneOf": [{"title": "A"}]}),
     ("/properties/a/oneOf/0", "form.missing_keyword")),
    ("required names nothing", {**_form(a={"type": "string"}), "required": ["b"]},
     ("/required/0", "form.required_unknown")),
    ("group required names nothing",
     _form(g={"type": "array", "items": {"type": "object", "required": ["z"],
                                         "properties": {"a": {"type": "string"}}}}),
     ("/properties/g/items/required/0", "form.required_unknown")),
    ("condition names nothing",
     {**_form(a={"type": "boolean"}), "if": {"properties": {"b": {"const": True}}}},
     ("/if/properties/b", "form.condition_unknown_field")),
    ("then requires nothing",
     {**_form(a={"type": "boolean"}),
      "allOf": [{"if": {"properties": {"a": {"const": True}}}, "then": {"required": ["c"]}}]},
     ("/allOf/0/then/required/0", "form.required_unknown")),
    ("labels without options", _form(a={"type": "string", "x-labels": {"x": "X"}}),
     ("/properties/a/x-labels", "form.labels_without_options")),
    ("label of no option", _form(a={"enum": [1, 2], "x-labels": {"1": "Uno", "3": "Tres"}}),
     ("/properties/a/x-labels/3", "form.label_not_an_option")),
    ("minLength above maxLength", _form(a={"type": "string", "minLength": 5, "maxLength": 2}),
     ("/properties/a/minLength", "form.min_over_max")),
    ("minimum above maximum", _form(a={"type": "integer", "minimum": 5, "maximum": 2}),
     ("/properties/a/minimum", "form.min_over_max")),
    ("pattern that does not compile", _form(a={"type": "string", "pattern": "(["}),
     ("/properties/a/pattern", "form.pattern_invalid")),
    ("default not an option", _form(a={"enum": ["a", "b"], "default": "c"}),
     ("/properties/a/default", "form.default_invalid")),
    ("group without fields", _form(g={"type": "array", "items": {"type": "object",
                                                                 "properties": {}}}),
     ("/properties/g/items", "form.group_without_fields")),
    ("textarea on a number", _form(a={"type": "integer", "x-widget": "textarea"}),
     ("/properties/a/x-widget", "form.textarea_not_text")),
    ("unknown grid reference", _form(m={"x-reference": "matriz_pobreza"}),
     ("/properties/m/x-reference", "form.reference_unknown")),
    ("unknown codes reference",
     _form(c={"type": "array", "x-codigos-de": "matriz_pobreza", "items": {"type": "string"}}),
     ("/properties/c/x-codigos-de", "form.reference_unknown")),
    ("grid with its own options", _form(m={"x-reference": "matriz_bienestar", "enum": ["a"]}),
     ("/properties/m/enum", "form.grid_extra")),
]


@pytest.mark.parametrize(("schema", "expected"), [(s, e) for _, s, e in RULES],
                         ids=[what for what, _, _ in RULES])
def test_each_rule_names_its_problem_and_where(schema, expected):
    assert expected in _codes(schema)


def test_too_deep_a_form_is_refused_before_anything_recurses():
    node: dict = {"type": "string"}
    for _ in range(MAX_DEPTH * 40):
        node = {"type": "object", "properties": {"a": node}}
    problems = form_problems(node, REFERENCES)
    assert [p.code for p in problems] == ["form.too_deep"]


def test_a_form_that_would_draw_too_many_fields_is_refused_before_it_is_drawn():
    node: dict = {"type": "string"}
    for _ in range(5):  # five nested repeating groups of 50 rows each: 50**5 rows
        node = {"type": "array", "minItems": 50,
                "items": {"type": "object", "properties": {"a": node, "b": {"type": "string"}}}}
    problems = _codes(_form(g=node))
    assert ("", "form.too_many_fields") in problems
    assert drawn_fields(_form(g=node)) <= 2 * MAX_DRAWN  # counting stops early


def _grid() -> dict:
    return copy.deepcopy(FormLibrary(ROOT / "forms").schema("familias/diagnostico"))


def test_an_expanded_grid_must_have_the_references_indicators_states_and_dimensions():
    schema = _grid()
    rows = schema["properties"]["matriz"]["properties"]
    first = next(iter(rows))
    del rows[first]
    rows["i99"] = {"enum": ["cumplido"], "x-dimension": "salud"}
    second = next(iter(rows))
    rows[second]["enum"] = [*rows[second]["enum"], "regular"]
    rows[second]["x-dimension"] = "deporte"
    found = _codes(schema)
    assert ("/properties/matriz/properties", "form.grid_indicator_missing") in found
    assert ("/properties/matriz/properties/i99", "form.grid_indicator_unknown") in found
    assert (f"/properties/matriz/properties/{second}/enum", "form.grid_state_unknown") in found
    assert (f"/properties/matriz/properties/{second}/x-dimension",
            "form.grid_dimension_unknown") in found


def test_broken_reference_data_is_named_not_crashed_on():
    broken = {**REFERENCES["matriz_bienestar"], "dimensiones": [{"titulo": "sin código"}]}
    found = form_problems(_form(m={"x-reference": "matriz_bienestar"}),
                          {"matriz_bienestar": broken})
    assert [(p.path, p.code) for p in found] == [("/properties/m/x-reference",
                                                  "form.reference_broken")]
    assert isinstance(reference_shape(REFERENCES["matriz_bienestar"]), object)
    assert isinstance(reference_shape([]), str)


def test_without_references_the_reference_checks_are_skipped():
    assert form_problems(_form(m={"x-reference": "cualquiera"}), None) == []


@pytest.mark.parametrize("value", [None, 3, "x", [], {"properties": []},
                                   {"type": "object", "properties": {"a": []}},
                                   {"type": "object", "properties": {"a": {"enum": 5}}},
                                   {"type": "object", "properties": {"a": {"items": 3}},
                                    "required": "a", "allOf": 3, "if": []}])
def test_hostile_shapes_are_problems_never_exceptions(value):
    problems = form_problems(value, REFERENCES)
    assert problems and all(p.code in PROBLEMS for p in problems)


def test_pointers_escape_slashes_and_tildes():
    assert pointer(("properties", "a/b~c", 0)) == "/properties/a~1b~0c/0"
