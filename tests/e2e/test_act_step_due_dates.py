"""Over HTTP: the step a rights alert opens shows its due date on its page and in the
coordinator's inbox, never "Vence —" (Comunidad Crece, Coquimbo: an alert of Tuesday 2 June
2026 is due by the end of Wednesday 3 June, 1 día hábil)."""

import re
from datetime import UTC, datetime

import time_machine
from sqlalchemy import select

from engine.persistence.models import HumanTask
from tests.e2e.conftest import PASSWORD
from tests.e2e.crece_world import add_crece, tutored_case
from web.extensions import db

JUNE_2 = datetime(2026, 6, 2, 14, tzinfo=UTC)  # 10:00 in Coquimbo
ALERT = {"fecha": "2026-06-02", "tipo": "violencia", "descripcion": "Relata golpes en su casa."}


def _due_cell(page: str) -> str:
    return re.search(r"<dt>Vence</dt><dd>([^<]*)", page).group(1).strip()


def test_the_alert_step_shows_its_due_date_to_the_coordinator(web_app, as_person):
    add_crece(web_app, PASSWORD)
    case_id = tutored_case(web_app)
    with time_machine.travel(JUNE_2, tick=False):
        valentina = as_person("valentina")
        page = f"/cases/{case_id}"
        done = valentina.post(f"{page}/acts/alerta_derechos", ALERT, token_from=page)
        assert done.status_code in (302, 303)
        with web_app.app_context():
            row = db.session.scalars(select(HumanTask).where(
                HumanTask.case_id == case_id,
                HumanTask.bpmn_id == "atender_alerta_derechos")).one()
            task_id = row.id
        rodrigo = as_person("rodrigo")
        step = rodrigo.get(f"/tasks/{task_id}").get_data(as_text=True)
        inbox = rodrigo.get("/?tab=pool").get_data(as_text=True) + rodrigo.get(
            "/").get_data(as_text=True)
    due = _due_cell(step)
    # the last day on time: overdue from 00:00 on Thursday 4 June, so "Vence" says 3 June
    assert due == "3 jun 2026"
    assert "1 días hábiles" in step or "1 día hábil" in step  # the rule applied, beside it
    assert due in inbox
