"""Every act a programme offers from the case file opens a form that exists: a deploy (and
the modeler's every save) names the act's start event otherwise."""

from pathlib import Path

import pytest

import engine
from engine.definitions.parsing import read_sources
from engine.programmes.settings import read_settings_file

ROOT = Path(__file__).resolve().parents[2]
FORMS = engine.FormLibrary(ROOT / "forms")


@pytest.mark.parametrize("programme", ["familias", "pippi", "comunidad_crece", "triple_p"])
def test_each_programme_with_its_acts_is_publishable(programme):
    folder = ROOT / "processes" / programme
    assert engine.check_sources(read_sources(folder), read_settings_file(folder), FORMS) == []


def test_an_act_naming_a_missing_form_is_refused_at_its_start_event():
    folder = ROOT / "processes" / "familias"
    sources = read_sources(folder)
    sources["familias.bpmn"] = sources["familias.bpmn"].replace(
        'value="familias/acto_contacto"', 'value="familias/acto_perdido"')
    problems = engine.check_sources(sources, read_settings_file(folder), FORMS)
    assert [(p.code, p.element) for p in problems] == [("process.act_form",
                                                        "inicio_acto_contacto")]


def test_an_act_without_a_form_is_refused():
    folder = ROOT / "processes" / "familias"
    sources = read_sources(folder)
    sources["familias.bpmn"] = sources["familias.bpmn"].replace(
        '<spiffworkflow:property name="formKey" value="familias/acto_contacto" />', "")
    problems = engine.check_sources(sources, read_settings_file(folder), FORMS)
    assert [(p.code, p.element) for p in problems] == [("process.act_form",
                                                        "inicio_acto_contacto")]
    assert "has no form" in problems[0].message
