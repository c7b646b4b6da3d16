"""Transferring a case and reassigning a step from the pages: each picker offers only the
people the engine policy lets take it, and anyone else is refused with why, changing nothing."""

import re

from sqlalchemy import select

from engine.persistence.models import Case, Event, HumanTask
from web.extensions import db


def _options(page: str, name: str) -> list[str]:
    select_ = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [v for v in re.findall(r'<option value="([^"]*)"', select_) if v]


def _case(web_app, case_id: int) -> tuple[str, list[tuple[str, str]], list[Event]]:
    with web_app.app_context():
        case = db.session.get(Case, case_id)
        tasks = db.session.scalars(select(HumanTask).where(HumanTask.case_id == case_id))
        events = db.session.scalars(select(Event).where(Event.case_id == case_id,
                                                        Event.kind == "case_transferred"))
        return case.caseworker, [(t.bpmn_id, t.assignee) for t in tasks], list(events)


def test_a_supervisor_transfers_a_case_and_its_open_steps_follow(web_app, as_person,
                                                                 start_case):
    case_id = start_case()
    jorge = as_person("jorge")
    page = jorge.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Personas a cargo" in page and "Ana Castro" in page
    # only Pedro: Ana holds it, Jorge is no caseworker, Giulia works in Italy
    assert _options(page, "to") == ["pedro"]
    response = jorge.post(f"/cases/{case_id}/transfer", {"to": "pedro"},
                          token_from=f"/cases/{case_id}")
    assert response.status_code == 302
    holder, tasks, events = _case(web_app, case_id)
    assert holder == "pedro"
    assert tasks == [("primer_contacto", "pedro")]
    assert [(e.data["from"], e.data["to"], len(e.data["tasks"])) for e in events] == [
        ("ana", "pedro", 1)]
    shown = jorge.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Caso transferido de Ana Castro a Pedro Morales" in shown
    assert "Rojas Pérez" in as_person("pedro").get("/").get_data(as_text=True)
    assert "Rojas Pérez" not in as_person("ana").get("/").get_data(as_text=True)


def test_a_transfer_to_someone_the_picker_did_not_offer_is_refused_with_why(
        web_app, as_person, start_case):
    case_id = start_case()
    jorge = as_person("jorge")
    for who, why in (("giulia", "no trabaja en el territorio del caso"),
                     ("jorge", "no tiene el rol"), ("nadie", "No hay una persona activa"),
                     ("ana", "ya tiene a cargo este caso")):
        jorge.post(f"/cases/{case_id}/transfer", {"to": who}, token_from=f"/cases/{case_id}")
        page = jorge.get(f"/cases/{case_id}").get_data(as_text=True)
        assert why in page, who
    assert _case(web_app, case_id)[:2] == ("ana", [("primer_contacto", "ana")])


def test_a_caseworker_may_not_transfer_nor_sees_the_picker(web_app, as_person, start_case):
    case_id = start_case()
    ana = as_person("ana")
    page = ana.get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'name="to"' not in page
    response = ana.post(f"/cases/{case_id}/transfer", {"to": "pedro"},
                        token_from=f"/cases/{case_id}")
    assert response.status_code == 403
    assert _case(web_app, case_id)[0] == "ana"
    assert as_person("marco").post(f"/cases/{case_id}/transfer", {"to": "pedro"},
                                   token_from="/").status_code in (302, 404)
    assert _case(web_app, case_id)[0] == "ana"


def test_the_overdue_page_reassigns_with_a_picker_and_words_a_refusal(web_app, as_person,
                                                                      start_case):
    from tests.e2e.conftest import MARCH_2
    case_id = start_case(at=MARCH_2)  # long overdue by now
    jorge = as_person("jorge")
    page = jorge.get("/dashboard/").get_data(as_text=True)
    assert 'name="assignee" placeholder' not in page
    assert _options(page, "assignee") == ["pedro"]  # ana holds it already
    task_id = jorge.open_tasks(case_id)["primer_contacto"]
    jorge.post(f"/tasks/{task_id}/reassign", {"assignee": "giulia", "next": "/dashboard/"})
    refused = jorge.get("/dashboard/").get_data(as_text=True)
    assert "Giulia Bianchi no puede recibir" in refused or "giulia no puede recibir" in refused
    assert _case(web_app, case_id)[1] == [("primer_contacto", "ana")]
    jorge.post(f"/tasks/{task_id}/reassign", {"assignee": "pedro", "next": "/dashboard/"})
    assert "reasignada a Pedro Morales" in jorge.get("/dashboard/").get_data(as_text=True)
    assert _case(web_app, case_id)[1] == [("primer_contacto", "pedro")]
