"""The modeler's problems in the manager's language: the common cases (a task without its
form, a lane without a role, a bad setting, an unknown decision, an element the BPMN schema
does not allow, a check that crashed) are worded without the engine's English ``detail``,
which stays apart for whoever fixes it (the page folds it)."""

import copy
import tomllib

from flask_babel import force_locale

import engine
from engine.definitions.checks import check_sources
from tests.conftest import FIXTURES
from web.modeler.problems import as_json

MINI = (FIXTURES / "mini" / "mini.bpmn").read_text(encoding="utf-8")
SETTINGS = tomllib.loads((FIXTURES / "mini" / "settings.toml").read_text(encoding="utf-8"))
FORMS = engine.FormLibrary(FIXTURES / "forms")


def worded(app, lang: str, found) -> list[dict]:
    with app.test_request_context(), force_locale(lang):
        return [as_json(p) for p in found]


def test_a_task_whose_form_is_not_in_the_draft_says_so_in_each_language(app):
    found = check_sources({"mini.bpmn": MINI.replace('value="mini/visita"', 'value="mini/no"')},
                          SETTINGS, FORMS)
    assert [(p.code, p.params["reason"], p.params["form"]) for p in found] == [
        ("process.user_task", "form_missing", "mini/no")]
    spanish, = worded(app, "es", found)
    assert "usa el formulario «mini/no», que el borrador no tiene" in spanish["text"]
    assert "not found" in spanish["detail"] and "not found" not in spanish["text"]
    assert spanish["fix"] == "Elija otro formulario o créelo con «Crear formulario»."
    assert "uses form «mini/no», which the draft does not have" in worded(app, "en", found)[0][
        "text"]
    assert "usa il modulo «mini/no»" in worded(app, "it", found)[0]["text"]


def test_a_lane_without_its_role_names_the_lane(app):
    settings = copy.deepcopy(SETTINGS)
    del settings["roles"]["Equipo"]
    found = [p for p in check_sources({"mini.bpmn": MINI}, settings, FORMS)
             if p.params.get("reason") == "lane_without_role"]
    assert found and all(p.params["lane"] == "Equipo" for p in found)
    assert "el carril «Equipo» de la tarea visita no tiene rol" in worded(app, "es", found)[0][
        "text"]


def test_a_bad_setting_is_worded_as_on_the_settings_page(app):
    settings = copy.deepcopy(SETTINGS)
    settings["plazos"]["visita"]["dias"] = -3
    found = [p for p in check_sources({"mini.bpmn": MINI}, settings, FORMS)
             if p.code == "process.settings_invalid"]
    text = worded(app, "es", found)[0]["text"]
    assert text.endswith("plazos.visita.dias: Debe ser un número entero mayor o igual que 0.")
    assert "must be" not in text
    assert "must be a whole number" in worded(app, "es", found)[0]["detail"]


def test_an_element_the_schema_does_not_allow_is_named(app):
    bpmn = MINI.replace('<bpmn:userTask id="visita" name="Visita">',
                        '<bpmn:userTask id="visita" name="Visita"><bpmn:cosa />', 1)
    found = [p for p in check_sources({"mini.bpmn": bpmn}, SETTINGS, FORMS)
             if p.code == "process.not_valid_bpmn"]
    assert found and found[0].params["reason"] == "unexpected_element"
    assert "el BPMN no admite <cosa> en este lugar" in worded(app, "es", found)[0]["text"]
    assert "BPMN does not allow <cosa> here" in worded(app, "en", found)[0]["text"]


def test_a_check_that_crashed_says_nothing_was_lost(app):
    found = check_sources({"mini.bpmn": MINI}, None, FORMS)  # no settings at all
    texts = [p["text"] for p in worded(app, "es", found) if "programa.clave" in p["text"]]
    assert texts and not any("needs" in t for t in texts)  # "[programa] needs 'clave'"
    crash = engine.ProcessProblem("(programme)", "the files could not be checked (KeyError)",
                                  code="process.check_failed", extra={"kind": "KeyError"})
    spanish, = worded(app, "es", [crash])
    assert "lo guardado no se perdió" in spanish["text"]
    assert "nothing saved was lost" in worded(app, "en", [crash])[0]["text"]


def test_every_common_case_reads_in_italian_and_english_with_its_placeholders(app):
    import re

    from web.problem_words import REASON_FIXES, REASON_WORDINGS

    sample = {"file": "f.bpmn", "line": 3, "element": "e", "form": "x/y", "lane": "L",
              "deadline": "d", "assignee": "a", "tag": "t", "decision": "k"}
    for key, msgid in {**REASON_WORDINGS, **REASON_FIXES}.items():
        placeholders = set(re.findall(r"%\((\w+)\)s", msgid))
        assert placeholders <= set(sample), key
        with app.test_request_context():
            texts = {}
            for lang in ("es", "it", "en"):
                with force_locale(lang):
                    from flask_babel import gettext

                    texts[lang] = gettext(msgid) % sample
        assert texts["it"] != texts["es"] and texts["en"] != texts["es"], key
