"""Every message code the engine produces is registered, and worded in Spanish, Italian and
English: a reader never meets an English sentence, a raw code or a Spanish one in Italy."""

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import force_locale

from engine.core import errors
from engine.core.messages import ERRORS, EVENTS, FIELD_RULES, PROBLEMS, params_of
from web import messages as wording

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "engine"
CATALOGS = {lang: read_po((ROOT / f"web/translations/{lang}/LC_MESSAGES/messages.po")
                          .open("rb")) for lang in ("es", "it", "en")}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
ALL_CODES = {**ERRORS, **PROBLEMS, **EVENTS}


def _trees():
    for path in sorted(ENGINE.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def _constants() -> dict[str, str]:
    """Module-level ``NAME = "text"`` constants of the engine (event kinds are named so)."""
    found = {}
    for _, tree in _trees():
        for node in tree.body:
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                    and isinstance(node.value.value, str)):
                found.update({t.id: node.value.value for t in node.targets
                              if isinstance(t, ast.Name)})
    return found


def _text(node, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return constants.get(node.id) if isinstance(node, ast.Name) else None


def _code_literals() -> set[str]:
    """``code="…"`` keyword arguments, ``code = "…"`` class attributes and dataclass defaults."""
    found = set()
    for _, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "code":
                if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                    found.add(node.value.value)
            elif isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(
                    node.value, ast.Constant) and isinstance(node.value.value, str):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == "code" for t in targets):
                    found.add(node.value.value)
    return found


def _recorded_kinds() -> set[str]:
    """The kinds passed to ``audit.record`` (and to places' ``_record``, and to the tasks'
    ``assign``) anywhere in the engine, and those engine steps are recorded as."""
    constants, kinds = _constants(), set()
    for _, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called(node.func) in ("audit.record", "_record"):
                kinds.add(_text(node.args[2], constants) if len(node.args) > 2 else None)
            elif isinstance(node, ast.Call) and _called(node.func) == "assign":
                kinds.add(_text(node.args[-1], constants) if node.args else None)
    from engine.persistence.audit import STEP_KINDS
    return (kinds | STEP_KINDS) - {None}


def _called(func) -> str | None:
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return f"{func.value.id}.{func.attr}"
    return func.id if isinstance(func, ast.Name) else None


def test_every_code_the_engine_raises_is_registered():
    unregistered = {code for code in _code_literals() if params_of(code) is None}
    assert not unregistered


def test_every_event_kind_the_engine_records_has_a_registered_code():
    kinds = _recorded_kinds()
    assert {"task_completed", "escalation", "case_started", "place_assigned"} <= kinds
    assert not {k for k in kinds if f"event.{k}" not in EVENTS}


def test_every_error_class_has_a_registered_default_code():
    classes = [c for c in vars(errors).values()
               if isinstance(c, type) and issubclass(c, errors.EngineError)]
    assert len(classes) >= 10
    assert not {c.__name__ for c in classes if c.code not in ERRORS}


def test_every_code_has_a_wording_whose_placeholders_are_its_params():
    assert not {code for code in ALL_CODES if not wording.known(code)}
    for code, params in ALL_CODES.items():
        assert set(PLACEHOLDER.findall(_msgid(code))) - {"num"} <= set(params), code


def test_every_wording_is_translated_to_italian_and_english_with_the_same_placeholders():
    for code in ALL_CODES:
        msgid = _msgid(code)
        assert msgid in CATALOGS["es"], code
        for lang in ("it", "en"):
            entry = CATALOGS[lang].get(msgid)
            translated = entry.string if entry else None
            translated = translated[0] if isinstance(translated, tuple) else translated
            assert translated, f"{code} has no {lang} wording"
            assert set(PLACEHOLDER.findall(translated)) == set(PLACEHOLDER.findall(msgid)), (
                code, lang)


def say(app, lang: str, code: str, **params) -> str:
    with app.test_request_context(), force_locale(lang):
        return wording.word(code, params)


def test_a_code_reads_in_each_language(app):
    assert say(app, "es", "policy.task_held_by_other", assignee="pedro") == (
        "Esta tarea está asignada a pedro.")
    assert say(app, "it", "policy.task_held_by_other", assignee="pedro") == (
        "Questa attività è assegnata a pedro.")
    assert say(app, "en", "policy.task_held_by_other", assignee="pedro") == (
        "This task is assigned to pedro.")


def test_every_code_words_differently_in_italian_and_english_than_in_spanish(app):
    sample = {name: "x" for params in ALL_CODES.values() for name in params}
    sample.update(due="2026-04-02T03:00:00+00:00", at="2026-04-02T03:00:00+00:00", days=3,
                  count=2)
    for code in ALL_CODES:
        spanish = say(app, "es", code, **sample)
        assert say(app, "it", code, **sample) != spanish, code
        assert say(app, "en", code, **sample) != spanish, code


def test_an_unknown_code_reads_as_a_generic_sentence_in_the_readers_language(app):
    assert say(app, "it", "policy.something_new") == "Non è stato possibile completare l'azione."
    assert say(app, "es", "policy.something_new") == "No se pudo completar la acción."


def test_moments_and_roles_are_worded_for_the_reader(app):
    at = "2026-03-05T15:00:00+00:00"
    assert say(app, "it", "task.already_completed", by="ana", title="Primer contacto",
               at=at) == "ana ha già completato «Primer contacto» il 05/03/26, 12:00."
    assert "profesional a cargo" in say(app, "es", "policy.needs_task_role", title="T",
                                        role="caseworker")
    assert "operatore responsabile" in say(app, "it", "policy.needs_task_role", title="T",
                                           role="caseworker")


def test_a_plural_event_agrees_with_its_number(app):
    assert say(app, "it", "event.deadlines_resumed", days=1) == (
        "Scadenze riprese dopo 1 giorno di sospensione")
    assert say(app, "es", "event.deadlines_resumed", days=12) == (
        "Plazos reanudados tras 12 días de pausa")


def test_errors_carry_their_code_and_params():
    failure = errors.ScriptFailure("(cupos)", "no places", code="place.none_configured",
                                   params={"modality": "grupal", "territory": "antofagasta"})
    assert str(failure) == "(cupos): no places"
    assert failure.params == {"element": "(cupos)", "name": None, "modality": "grupal",
                              "territory": "antofagasta"}
    invalid = errors.InvalidSettings("familias", [errors.FieldError("x", "unknown", "no")])
    assert (invalid.code, invalid.params["programme"]) == ("settings.invalid", "familias")
    assert invalid.params["fields"] == [{"field": "x", "code": "unknown", "limit": None}]
    problem = errors.ProcessProblem("a.bpmn", "process has no start event", "p", 3,
                                    code="process.no_start_event")
    assert errors.InvalidProcess([problem]).params == {"count": 1}
    assert problem.params["line"] == 3 and str(problem) == "a.bpmn:3 [p]: process has no " \
                                                           "start event"


def _msgid(code: str) -> str:
    if code in wording.PLURAL_WORDINGS:
        return wording.PLURAL_WORDINGS[code][0]
    return wording.WORDINGS[code]


def _field_rule_literals() -> set[str]:
    """The rule (second argument) of every ``FieldError(...)`` and drafts' ``_refused(...)``
    written in the engine."""
    constants, found = _constants(), set()
    for _, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called(node.func) in ("FieldError", "_refused") \
                    and len(node.args) > 1:
                found.add(_text(node.args[1], constants))
    return found - {None}


def test_every_field_rule_the_engine_writes_is_registered():
    rules = _field_rule_literals()
    assert {"required", "duplicate", "whole_number", "nul", "characters"} <= rules
    assert rules <= FIELD_RULES


def test_every_field_rule_reads_in_italian_and_english(app):
    from web.field_errors import message
    from web.programmes.forms import SETTING_MESSAGES

    for rule in FIELD_RULES:
        limit = {"enum": ["a", "b"], "const": True, "version_anchor": ["fecha_ingreso"],
                 "household_exists": {"family_name": "Soto"}}.get(rule, 2048)
        error = errors.FieldError("x", rule, "texto del motor", limit)
        assert rule in SETTING_MESSAGES, rule
        with app.test_request_context():
            spanish = {lang: _said(lang, message, error, SETTING_MESSAGES)
                       for lang in ("es", "it", "en")}
        assert spanish["es"] != "texto del motor", rule
        assert spanish["it"] != spanish["es"] and spanish["en"] != spanish["es"], rule


def _said(lang, message, error, messages) -> str:
    with force_locale(lang):
        return message(error, messages)
