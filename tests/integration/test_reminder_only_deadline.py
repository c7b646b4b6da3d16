"""A step drawn with only a reminder timer (no escalation) still shows its due date: the
deadline its reminder counts to, never "Vence —"."""

import re
import tomllib
from datetime import UTC, datetime

import engine
from engine import unit_of_work
from tests.conftest import FIXTURES

MARCH_2 = datetime(2026, 3, 2, 12, tzinfo=UTC)  # a Monday
SOURCE = (FIXTURES / "mini" / "mini.bpmn").read_text(encoding="utf-8")
SETTINGS = tomllib.loads((FIXTURES / "mini" / "settings.toml").read_text(encoding="utf-8"))


def _reminder_only() -> str:
    """The mini process without its escalation (and its review), the step's own deadline
    property gone too: only the reminder names the deadline."""
    bpmn = SOURCE.replace('          <spiffworkflow:property name="deadline" value="visita" />\n'
                          '        </spiffworkflow:properties>\n      </bpmn:extensionElements>\n'
                          '      <bpmn:incoming>f1</bpmn:incoming>',
                          '        </spiffworkflow:properties>\n      </bpmn:extensionElements>\n'
                          '      <bpmn:incoming>f1</bpmn:incoming>')
    for element in ("boundaryEvent", "userTask", "endEvent"):
        bpmn = re.sub(rf'\s*<bpmn:{element} id="(atraso_visita|revisar_atraso|fin_atraso)".*?'
                      rf'</bpmn:{element}>', "", bpmn, flags=re.S)
    bpmn = re.sub(r'\s*<bpmn:sequenceFlow id="f_a2?" [^>]*/>', "", bpmn)
    bpmn = re.sub(r'\s*<bpmn:flowNodeRef>(atraso_visita|revisar_atraso|fin_atraso)'
                  r'</bpmn:flowNodeRef>', "", bpmn)
    bpmn = re.sub(r'\s*<bpmndi:BPMN(Shape|Edge) [^>]*bpmnElement="(atraso_visita|revisar_atraso'
                  r'|fin_atraso|f_a|f_a2)".*?</bpmndi:BPMN(Shape|Edge)>', "", bpmn, flags=re.S)
    assert "atraso" not in bpmn and 'value="reminder"' in bpmn
    return bpmn


def test_a_step_with_only_a_reminder_is_due_when_its_deadline_says(session, fixture_forms,
                                                                   territories, caseworker):
    with unit_of_work(session):
        engine.deploy(session, {"mini.bpmn": _reminder_only()}, SETTINGS, fixture_forms,
                      "tester")
    command = engine.StartCase("mini", "antofagasta", "ana", "Pérez Soto")
    with unit_of_work(session):
        engine.start_case(session, command, caseworker, MARCH_2)
    [task] = [t for t in engine.list_tasks(session, caseworker) if t.bpmn_id == "visita"]
    # 5 working days from Monday 2 March = Monday 9 March; overdue from midnight, Santiago
    assert task.due_at == datetime(2026, 3, 10, 3, tzinfo=UTC)
    assert task.remind_at == datetime(2026, 3, 5, 11, tzinfo=UTC)
    assert task.deadline_key is None  # the step names none; its reminder does
