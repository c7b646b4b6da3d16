"""Version 2 of Programa Familias, made from a copy of the real programme for the tests of
process versions: it drops the year-two session deadline (``sesion_anio2``: every session is
due in 45 days) and its session form asks where the session took place (``lugar_sesion``)."""

import json
import re
import shutil
from pathlib import Path

import engine
from tests.conftest import ROOT

YEAR_TWO_CHOICE = re.compile(
    r'"sesion_anio2" if meses_desde\("fecha_ingreso"\) &gt;= 12 else "sesion_anio1"')
PLACES = ["domicilio", "sede", "remota"]


def copy_familias(root: Path) -> tuple[Path, Path]:
    """A copy of ``processes/familias`` and of ``forms/`` under ``root``."""
    folder, forms = root / "processes" / "familias", root / "forms"
    shutil.copytree(ROOT / "processes" / "familias", folder)
    shutil.copytree(ROOT / "forms", forms)
    return folder, forms


def drop_year_two_deadline(folder: Path) -> None:
    """Every session, in any year, is due by ``sesion_anio1``; ``sesion_anio2`` is gone (its
    reminder follows the year's cadence, which stays)."""
    bpmn = folder / "familias.bpmn"
    text, count = YEAR_TWO_CHOICE.subn('"sesion_anio1"', bpmn.read_text(encoding="utf-8"))
    assert count == 1
    bpmn.write_text(text, encoding="utf-8")
    settings = folder / "settings.toml"
    text, count = re.subn(r"\[plazos\.sesion_anio2\].*?(?=\n\[)", "",
                          settings.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert count == 1
    settings.write_text(text, encoding="utf-8")


def ask_where_the_session_was(forms: Path) -> None:
    """The session form gets a required field ``lugar_sesion``."""
    path = forms / "familias" / "sesion.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["properties"]["lugar_sesion"] = {"type": "string", "title": "Lugar de la sesión",
                                            "enum": PLACES}
    schema["required"].append("lugar_sesion")
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")


def familias_v2(root: Path) -> tuple[Path, engine.FormLibrary]:
    """The folder and form library of version 2."""
    folder, forms = copy_familias(root)
    drop_year_two_deadline(folder)
    ask_where_the_session_was(forms)
    return folder, engine.FormLibrary(forms)


PLAN_ELEMENTS = ("plan", "recordatorio_plan", "fin_recordatorio_plan", "atraso_plan",
                 "revisar_atraso_plan", "fin_atraso_plan", "sf_recordatorio_plan",
                 "sf_atraso_plan", "sf_revisado_plan", "sf_plan_acompanamiento")
SURVEY = """    <bpmn:userTask id="encuesta_egreso" name="Encuesta de egreso">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formKey" value="familias/encuesta_egreso" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>sf_egreso_aprobado</bpmn:incoming>
      <bpmn:outgoing>sf_encuesta_fin</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="sf_encuesta_fin" sourceRef="encuesta_egreso" targetRef="fin_egreso" />
"""
SURVEY_DI = """      <bpmndi:BPMNShape id="encuesta_egreso_di" bpmnElement="encuesta_egreso">
        <dc:Bounds x="3850" y="380" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="sf_encuesta_fin_di" bpmnElement="sf_encuesta_fin">
        <di:waypoint x="3900" y="380" /><di:waypoint x="3910" y="288" />
      </bpmndi:BPMNEdge>
"""
SURVEY_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Encuesta de egreso",
    "type": "object", "required": ["satisfaccion"],
    "properties": {"satisfaccion": {"type": "integer", "title": "Satisfacción (1 a 5)",
                                    "minimum": 1, "maximum": 5}},
}


def _without(text: str, element_id: str) -> str:
    """``text`` without the BPMN element, lane reference and diagram parts of ``element_id``."""
    element = re.compile(rf'\s*<bpmn:(\w+) id="{element_id}"[^>]*?(/>|>.*?</bpmn:\1>)',
                         re.DOTALL)
    text, count = element.subn("", text, count=1)
    assert count == 1, element_id
    text = re.sub(rf"\s*<bpmn:flowNodeRef>{element_id}</bpmn:flowNodeRef>", "", text)
    return re.sub(rf'\s*<bpmndi:BPMN(Shape|Edge) id="[^"]*" bpmnElement="{element_id}">.*?'
                  rf"</bpmndi:BPMN\1>", "", text)


def drop_the_plan_step(folder: Path) -> None:
    """The Plan Familiar step is gone: the trajectory leads straight to the accompaniment."""
    bpmn = folder / "familias.bpmn"
    text = bpmn.read_text(encoding="utf-8")
    for element_id in PLAN_ELEMENTS:
        text = _without(text, element_id)
    text = text.replace('id="sf_determinar_trayectoria_plan" sourceRef="determinar_trayectoria" '
                        'targetRef="plan"', 'id="sf_determinar_trayectoria_plan" '
                        'sourceRef="determinar_trayectoria" targetRef="acompanamiento"')
    text = text.replace("<bpmn:incoming>sf_plan_acompanamiento</bpmn:incoming>",
                        "<bpmn:incoming>sf_determinar_trayectoria_plan</bpmn:incoming>")
    bpmn.write_text(text, encoding="utf-8")
    _forget_the_plan(folder)


def _forget_the_plan(folder: Path) -> None:
    """The manifest and the names no longer speak of the plan step."""
    manifest = folder / "manifest.toml"
    text = manifest.read_text(encoding="utf-8")
    for old, new in (('family_plan = "plan"\n', ""), ('"family_plan.metas", ', ""),
                     ('"diagnostico", "plan", ', '"diagnostico", '),
                     (',\n          "plan.metas"]', "]"), ('plan = "plan"\n', "")):
        assert old in text, old
        text = text.replace(old, new)
    manifest.write_text(text, encoding="utf-8")
    names = folder / "names.toml"
    text = re.sub(r"^(revisar_atraso_plan|plan) = .*\n", "", names.read_text(encoding="utf-8"),
                  flags=re.MULTILINE)
    names.write_text(text, encoding="utf-8")


def add_an_exit_survey(folder: Path, forms: Path) -> None:
    """After the egreso is approved, the family answers a survey (a new last step)."""
    bpmn = folder / "familias.bpmn"
    text = bpmn.read_text(encoding="utf-8")
    text = text.replace('sourceRef="gw_egreso_aprobado" targetRef="fin_egreso"',
                        'sourceRef="gw_egreso_aprobado" targetRef="encuesta_egreso"')
    end = text.index('<bpmn:endEvent id="fin_egreso"')
    end_block = text[end:text.index("</bpmn:endEvent>", end)]
    text = text.replace(end_block, end_block.replace(
        "<bpmn:incoming>sf_egreso_aprobado</bpmn:incoming>",
        "<bpmn:incoming>sf_encuesta_fin</bpmn:incoming>"))
    text = text.replace("<bpmn:flowNodeRef>fin_egreso</bpmn:flowNodeRef>",
                        "<bpmn:flowNodeRef>encuesta_egreso</bpmn:flowNodeRef>"
                        "<bpmn:flowNodeRef>fin_egreso</bpmn:flowNodeRef>")
    process_end = text.index("</bpmn:process>")
    text = text[:process_end] + SURVEY.lstrip(" ") + "  " + text[process_end:]
    plane_end = text.index("</bpmndi:BPMNPlane>")
    text = text[:plane_end] + SURVEY_DI.lstrip(" ") + "    " + text[plane_end:]
    bpmn.write_text(text, encoding="utf-8")
    (forms / "familias" / "encuesta_egreso.json").write_text(
        json.dumps(SURVEY_FORM, ensure_ascii=False, indent=2), encoding="utf-8")


def familias_v2_migration(root: Path) -> tuple[Path, engine.FormLibrary]:
    """Version 2 for the tests of case migration: a new last step (``encuesta_egreso``, after
    the egreso is approved), the ``plan`` step removed (the trajectory leads straight to the
    accompaniment), and the session form asks where it took place (``lugar_sesion``)."""
    folder, forms = copy_familias(root)
    drop_the_plan_step(folder)
    add_an_exit_survey(folder, forms)
    ask_where_the_session_was(forms)
    return folder, engine.FormLibrary(forms)
