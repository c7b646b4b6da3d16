"""Programme manifests: the reports name no BPMN id of their own, and each manifest lists
every step, outcome and field its consumers read."""

import ast
import re
from pathlib import Path

import pytest
from lxml import etree

from engine.core.errors import InvalidProcess
from engine.definitions import manifest, manifest_check
from engine.definitions.forms import FormLibrary
from engine.programmes.settings import STEP_START
from engine.reports import comunidad_crece, familias, pippi, triple_p
from web import demo_data, demo_data_crece, demo_data_pippi, demo_data_triple_p
from web.deadline_text import ANCHORS

ROOT = Path(__file__).resolve().parents[2]
PROGRAMMES = ("familias", "pippi", "comunidad_crece", "triple_p")
FLOW_NODE = ("Task", "Event", "Gateway", "SubProcess", "CallActivity")
NOT_STEPS = {"lista_espera"}  # Triple P's figure of the families waiting, not its step


def bpmn_step_ids() -> set[str]:
    """The id of every task, event, gateway and subprocess of the programmes' processes."""
    ids = set()
    for path in ROOT.glob("processes/*/*.bpmn"):
        for node in etree.parse(str(path)).iter():
            local = etree.QName(node).localname if isinstance(node.tag, str) else ""
            if node.get("id") and local.endswith(FLOW_NODE):
                ids.add(node.get("id"))
    return ids


def string_literals(path: Path) -> list[tuple[int, str]]:
    """Every string constant of a module with its line (docstrings included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_no_report_names_a_bpmn_step_id_of_its_own():
    steps = bpmn_step_ids()
    assert {"diagnostico", "consenso", "tutoria", "inscripcion"} <= steps
    found = [f"{path.name}:{line}: {text!r}" for path in (ROOT / "engine" / "reports").glob("*.py")
             for line, text in string_literals(path) if text in steps - NOT_STEPS]
    assert found == [], "step ids belong in processes/<programme>/manifest.toml"


@pytest.mark.parametrize("programme", PROGRAMMES)
def test_every_programme_has_a_manifest_with_a_household_schema(programme):
    found = manifest.load(ROOT / "processes" / programme)
    assert found is not None
    assert set(found.needs) - {"case_file", "group_sessions"} == {"report", "demo",
                                                                "deadline_texts"}
    assert found.household_schema["items"]["required"] == ["name"]


@pytest.mark.parametrize("report", [familias, pippi, comunidad_crece, triple_p])
def test_a_report_reads_only_steps_and_outcomes_its_manifest_lists(report):
    needs = manifest.load(ROOT / "processes" / report.STEPS.programme).needs["report"]
    outcomes = getattr(report, "OUTCOMES", None) or report.ENDED
    assert set(outcomes) <= set(needs.outcomes)
    used = set(re.findall(r'STEPS\["(\w+)"\]', Path(report.__file__).read_text("utf-8")))
    used |= {step for step, _ in getattr(report, "ATTENDANCE", {}).values()}
    assert used and used <= set(needs.steps)


@pytest.mark.parametrize("data", [demo_data, demo_data_crece, demo_data_pippi,
                                  demo_data_triple_p])
def test_the_manifest_lists_every_step_the_demo_walks(data):
    programme = data.DEMO_CASES[0]["programme"]
    walked = (set(data.STEP_DATA) | set(data.KEEPS_UP)
              | {step[0] for case in data.DEMO_CASES for step in case["steps"]})
    listed = manifest.load(ROOT / "processes" / programme).needs["demo"].steps.values()
    assert walked <= set(listed)


@pytest.mark.parametrize("programme", PROGRAMMES)
def test_the_manifest_lists_the_fields_deadline_texts_name(programme):
    settings = (ROOT / "processes" / programme / "settings.toml").read_text(encoding="utf-8")
    named = {a for a in ANCHORS if a != STEP_START and f'desde = "{a}"' in settings}
    listed = manifest.load(ROOT / "processes" / programme).needs["deadline_texts"].fields
    assert named <= set(listed)


def write_manifest(folder: Path, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "manifest.toml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(("text", "problem"), [
    ("[report\nsteps = 1", "manifest.toml: not valid TOML"),
    ("[reports]\nsteps = []", "manifest.toml: unknown section [reports] (known: report, demo, "
                              "deadline_texts, case_file, group_sessions)"),
    ('household_schema = "missing.json"', "manifest.toml: household schema missing.json"),
])
def test_a_malformed_manifest_is_refused_naming_what_is_wrong(tmp_path, text, problem):
    with pytest.raises(InvalidProcess) as raised:
        manifest.load(write_manifest(tmp_path / "p", text))
    assert str(raised.value).startswith(problem)


def test_a_folder_without_a_manifest_has_none(tmp_path):
    assert manifest.load(tmp_path) is None


def test_a_step_field_of_a_decision_is_one_of_its_outputs():
    sources = {n: (ROOT / "processes" / "familias" / n).read_text("utf-8")
               for n in ("familias.bpmn", "trayectoria.dmn")}
    needs = manifest.Needs("report", "the familias report", {"trajectory":
                                                             "determinar_trayectoria"},
                           fields=("trajectory.sesiones_meta", "trajectory.meta"))
    found = manifest.Manifest("familias", "manifest.toml", {"report": needs})
    text = '[report]\nfields = ["trajectory.sesiones_meta", "trajectory.meta"]\n'
    problems = manifest_check.manifest_problems(found, text, manifest_check.facts(sources),
                                                FormLibrary(ROOT / "forms"))
    assert [str(p) for p in problems] == [
        'manifest.toml:2: field "meta" needed by the familias report is not set by step '
        '"determinar_trayectoria"']
