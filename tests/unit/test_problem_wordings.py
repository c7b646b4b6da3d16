"""A broken form or a file the importer cannot read is told in the reader's language with
what to do and where (the form's field, the file, its line), never with the engine's English
detail."""

from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from web.problem_words import word_problem

DETAIL = "Additional properties are not allowed ('colour' was unexpected)"


def worded(app, lang: str, code: str, **params) -> str:
    with app.test_request_context(), force_locale(lang):
        return word_problem(SimpleNamespace(code=code, params=params))


@pytest.mark.parametrize(("lang", "expected"), [
    ("es", "El formulario no es válido en /properties/edad: ábralo en el editor de formularios"
           " y corrija ese campo (su tipo, sus opciones o sus límites)."),
    ("it", "Il modulo non è valido in /properties/edad: aprilo nell'editor dei moduli e "
           "correggi quel campo (il tipo, le opzioni o i limiti)."),
    ("en", "The form is not valid at /properties/edad: open it in the form editor and fix "
           "that field (its type, options or limits)."),
])
def test_an_invalid_form_names_the_field_and_what_to_do(app, lang, expected):
    assert worded(app, lang, "form.invalid", path="/properties/edad",
                  detail=DETAIL) == expected


def test_a_broken_pattern_and_broken_reference_data_say_what_to_fix(app):
    pattern = worded(app, "it", "form.pattern_invalid", path="/properties/rut",
                     detail="unterminated character set at position 0")
    assert pattern == ("Il modello del campo /properties/rut non è un'espressione regolare "
                       "valida: correggilo nell'editor dei moduli (per esempio ^[0-9]+$) o "
                       "toglilo.")
    broken = worded(app, "es", "form.reference_broken", path="/properties/matriz",
                    name="matriz_bienestar", detail="item 3 has no 'code'")
    assert broken.startswith("Los datos de referencia «matriz_bienestar» que usa "
                             "/properties/matriz están mal formados: corrija su archivo")
    assert "has no" not in broken


@pytest.mark.parametrize(("reason", "lang", "expected"), [
    ("empty", "es", "proceso.bpmn está vacío: elija el archivo .bpmn correcto."),
    ("truncated", "en", "proceso.bpmn is cut short (incomplete): export it again from the "
                        "other tool."),
    ("not_bpmn", "it", "proceso.bpmn è XML, ma non un diagramma BPMN 2.0: scegli il file "
                       ".bpmn del processo."),
    ("dtd", "es", "proceso.bpmn declara un DTD o entidades XML, que un diagrama BPMN nunca "
                  "necesita: por seguridad no se lee. Expórtelo de nuevo sin ellos."),
])
def test_a_file_that_cannot_be_imported_says_why_and_what_to_do(app, reason, lang,
                                                                expected):
    assert worded(app, lang, "import.unusable", file="proceso.bpmn",
                  detail="not well-formed (invalid token): line 1", reason=reason) == expected


def test_an_unusable_file_of_an_unknown_reason_still_reads_without_english(app):
    said = worded(app, "en", "import.unusable", file="x.bpmn",
                  detail="not well-formed (invalid token)", reason="something_new")
    assert said == ("x.bpmn cannot be imported: it is not a readable BPMN 2.0 diagram. "
                    "Export it again as .bpmn from the other tool; the draft is unchanged.")


@pytest.mark.parametrize("lang", ["es", "it", "en"])
def test_what_the_importer_left_out_or_brought_names_the_line_and_where_to_check(
        app, lang):
    params = {"file": "camunda.bpmn", "line": 42, "element": "Task_1", "name": "Revisar",
              "attribute": "camunda:assignee", "value": "demo",
              "detail": "the assignee of another engine has no meaning here"}
    left = worded(app, lang, "import.not_carried", **params)
    brought = worded(app, lang, "import.carried", **params)
    for said in (left, brought):
        assert said.startswith("camunda.bpmn, ") and "42" in said and "Task_1" in said
        assert "Acompaña" in said and "no meaning" not in said
    assert brought != left
