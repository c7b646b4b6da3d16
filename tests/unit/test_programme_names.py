"""A programme's names in each language (names.toml): parsing, lookup, fallback, and the
deploy check that names nothing the process lacks."""

from pathlib import Path

import pytest

from engine.core.errors import InvalidProcess
from engine.definitions import names
from engine.definitions.names import Names

ROOT = Path(__file__).resolve().parents[2]
TEXT = """# a comment
[es]
programme = "Programa Familias"

[es.outcomes]
egreso = "Egreso"

[en]
programme = "Families Programme"

[en.steps]
primer_contacto = "First contact with the family"
diagnostico = "Diagnosis"

[en.outcomes]
egreso = "Graduated"

[en.lanes]
"Gestor Familiar" = "Family manager"
"""


def test_each_name_is_found_in_its_language():
    found = Names((names.parse(TEXT),))
    assert found.programme("en") == "Families Programme"
    assert found.programme("es") == "Programa Familias"
    assert found.step("en", "primer_contacto") == "First contact with the family"
    assert found.outcome("en", "egreso") == "Graduated"
    assert found.lane("en", "Gestor Familiar") == "Family manager"


def test_what_a_language_leaves_out_is_none_so_the_caller_falls_back():
    found = Names((names.parse(TEXT),))
    assert found.step("it", "primer_contacto") is None  # no [it]: the BPMN's own name
    assert found.step("en", "plan") is None  # [en] lacks this step
    assert found.programme("it") is None and found.outcome("es", "traslado") is None
    assert found.step("en", None) is None and Names().programme("en") is None


def test_the_newest_version_that_names_a_step_wins_older_ones_fill_the_gaps():
    newer = {"en": {"steps": {"diagnostico": "Wellbeing diagnosis"}}}
    older = names.parse(TEXT)
    found = Names((newer, older))
    assert found.step("en", "diagnostico") == "Wellbeing diagnosis"
    assert found.step("en", "primer_contacto") == "First contact with the family"


def test_a_step_known_only_by_its_bpmn_name_is_found_through_the_version():
    found = Names((names.parse(TEXT),), ({"Primer contacto con la familia": "primer_contacto"},))
    assert found.step_named("en", "Primer contacto con la familia") == (
        "First contact with the family")
    assert found.step_named("en", "Otro paso") is None


def test_an_unknown_step_outcome_or_lane_is_a_problem_with_its_line():
    problems = names.problems(names.parse(TEXT), TEXT, steps={"primer_contacto"},
                              outcomes={"egreso"}, lanes={"Gestor Familiar"})
    assert [str(p) for p in problems] == [
        'names.toml:13 [diagnostico]: step "diagnostico" of [en.steps] is not in the process: '
        "correct the id or remove the line"]
    problems = names.problems(names.parse(TEXT), TEXT, steps={"primer_contacto", "diagnostico"},
                              outcomes=set(), lanes=set())
    assert [(p.line, p.element) for p in problems] == [
        (6, "egreso"), (16, "egreso"), (19, "Gestor Familiar")]


def test_a_redesigned_process_keeps_the_names_of_the_steps_it_still_has():
    kept = names.without_unknown(names.parse(TEXT), steps={"primer_contacto"},
                                 outcomes={"egreso"}, lanes=set())
    assert kept["en"]["steps"] == {"primer_contacto": "First contact with the family"}
    assert kept["en"]["lanes"] == {} and kept["en"]["programme"] == "Families Programme"


@pytest.mark.parametrize("text, expected", [
    ("[fr]\nprogramme = 'Familles'\n", "names.toml:1: unknown language [fr]"),
    ("[en]\nsteps = 3\n", "names.toml:2: [en] steps: expected"),
    ("[en\n", "names.toml: not valid TOML"),
])
def test_a_malformed_file_is_refused_naming_where(text, expected):
    with pytest.raises(InvalidProcess) as raised:
        names.parse(text)
    assert str(raised.value.problems[0]).startswith(expected)


def test_written_back_it_reads_the_same():
    parsed = names.parse(TEXT)
    assert names.parse(names.to_toml(parsed)) == parsed


@pytest.mark.parametrize("programme", ["familias", "pippi", "comunidad_crece", "triple_p"])
def test_every_programme_names_its_steps_and_outcomes_in_english(programme):
    found, _text = names.read(ROOT / "processes" / programme)
    english = found["en"]
    assert english["programme"] and len(english["steps"]) >= 10
    manifest = (ROOT / "processes" / programme / "manifest.toml").read_text(encoding="utf-8")
    outcomes = manifest.split("outcomes = [")[1].split("]")[0]
    for outcome in (o.strip().strip('"') for o in outcomes.split(",")):
        assert outcome in english["outcomes"], outcome
    other = "es" if programme == "pippi" else "it"
    assert found[other]["steps"], f"{programme} has no [{other}.steps]"


def test_places_modalities_are_named_by_their_settings_key_and_checked():
    text = '[en.modalities]\ncharlas = "Large-group seminars"\nvisitas = "Home visits"\n'
    parsed = names.parse(text)
    assert Names((parsed,)).modality("en", "charlas") == "Large-group seminars"
    problems = names.problems(parsed, text, steps=(), outcomes=(), lanes=(),
                              modalities={"charlas", "talleres"})
    assert [(p.line, p.element) for p in problems] == [(3, "visitas")]
    assert "modality" in problems[0].message
