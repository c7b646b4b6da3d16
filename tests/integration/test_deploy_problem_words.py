"""A process refused at deploy says where and why with codes, which read in each language."""

import pytest
from flask_babel import force_locale

import engine
from engine import unit_of_work
from tests.integration.test_deploy_checks import SOURCE, line_of, refused
from web import create_app
from web.messages import word_error
from web.problem_words import word_problem


@pytest.fixture(scope="module")
def wording_app():
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True})


def worded(app, lang: str, thing) -> str:
    with app.test_request_context(), force_locale(lang):
        return word_error(thing) if isinstance(thing, Exception) else word_problem(thing)


def test_a_missing_start_event_reads_in_italian_and_spanish(session, fixture_forms,
                                                            wording_app):
    start = SOURCE[SOURCE.index('<bpmn:startEvent'):SOURCE.index('</bpmn:startEvent>') + 18]
    problem = refused(session, fixture_forms, SOURCE.replace(start, ""))
    line = line_of(SOURCE, '<bpmn:process id="mini"')
    assert problem.code == "process.no_start_event"
    assert worded(wording_app, "it", problem) == (
        f"mini.bpmn, riga {line}: il processo mini non ha un evento di inizio.")
    assert worded(wording_app, "es", problem) == (
        f"mini.bpmn, línea {line}: el proceso mini no tiene evento de inicio.")
    assert str(problem) == f"mini.bpmn:{line} [mini]: process has no start event"  # the CLI's


def test_an_unsupported_element_names_its_tag_in_each_language(session, fixture_forms,
                                                               wording_app):
    bpmn = SOURCE.replace('<bpmn:exclusiveGateway id="gw_resultado"',
                          '<bpmn:complexGateway id="gw_resultado"').replace(
        "</bpmn:exclusiveGateway>", "</bpmn:complexGateway>")
    with pytest.raises(engine.InvalidProcess) as raised, unit_of_work(session):
        engine.deploy(session, {"mini.bpmn": bpmn}, _settings(), fixture_forms, "tester")
    problem = raised.value.problems[0]
    assert (problem.code, problem.params["tag"]) == ("process.unsupported_element",
                                                     "complexGateway")
    assert "l'elemento <complexGateway> (gw_resultado) non è supportato" in worded(
        wording_app, "it", problem)
    assert worded(wording_app, "it", raised.value).startswith(
        "Il processo non è stato pubblicato: 2 problemi.")


def _settings():
    from tests.integration.test_deploy_checks import SETTINGS
    return SETTINGS


def test_what_would_not_run_reads_in_each_language_with_its_fix(wording_app):
    from engine.definitions.checks import check_sources
    from tests.unit.test_check_sources import FORMS, SETTINGS, with_task

    [problem] = check_sources({"mini.bpmn": with_task("task")}, SETTINGS, FORMS)
    line = problem.line
    assert worded(wording_app, "es", problem) == (
        f"mini.bpmn, línea {line}, paso: este elemento (<task>) dejaría el caso esperando sin "
        "nada en la bandeja de nadie; conviértalo en una tarea de usuario.")
    assert worded(wording_app, "it", problem).endswith("trasformatelo in un'attività utente.")
    assert worded(wording_app, "en", problem).endswith("; make it a user task.")
    juel = with_task("userTask").replace("ubicada == True", "${ubicada}")
    [foreign] = [p for p in check_sources({"mini.bpmn": juel}, SETTINGS, FORMS)
                 if p.code == "process.foreign_expression"]
    assert worded(wording_app, "en", foreign) == (
        f"mini.bpmn, line {foreign.line}, f_si: written in JUEL; rewrite it in Python (the "
        "original: ${ubicada}).")
