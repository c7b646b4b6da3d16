"""A message from outside reaches the case that waits for it, and only that case; a message
nothing waits for is refused clearly and changes nothing."""

from datetime import UTC, datetime

import pytest

import engine
from engine import unit_of_work
from engine.persistence.models import Event
from tests.conftest import FIXTURES
from tests.entry import run
from tests.integration.test_concurrency import at_once

START = datetime(2026, 3, 2, 12, tzinfo=UTC)
LATER = datetime(2026, 3, 3, 12, tzinfo=UTC)
DOCUMENTS = {"servicio": "Oficina Local de la Niñez", "documentos": 3}


@pytest.fixture
def waiting(session, fixture_forms, territories, caseworker):
    """Two cases of the ``mensajes`` process whose visit is done: both wait for documents."""
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "mensajes", fixture_forms, "tester")
    command = engine.StartCase("mensajes", "antofagasta", "ana", "Pérez")
    cases = [run(session, engine.start_case, command, caseworker, START) for _ in range(2)]
    for task in engine.list_tasks(session, caseworker):
        run(session, engine.complete, fixture_forms, task.id,
            {"ubicada": True, "fecha": "2026-03-02"}, caseworker, START)
    return cases


def _steps(session, actor, case_id):
    return [t.title for t in engine.list_tasks(session, actor) if t.case_id == case_id]


def test_the_message_becomes_case_data_and_opens_the_next_step(session, waiting, fixture_forms,
                                                               caseworker):
    first, second = waiting
    assert [w.message for w in engine.awaited_messages(session, first.id, caseworker)] == [
        "documentos_recibidos"]
    run(session, engine.deliver_message, fixture_forms, first.id, "documentos_recibidos",
        DOCUMENTS, caseworker, LATER)
    assert _steps(session, caseworker, first.id) == ["Revisar documentos"]
    assert _steps(session, caseworker, second.id) == []  # routed by case id: the other waits
    assert engine.awaited_messages(session, first.id, caseworker) == []
    received = [e for e in engine.case_history(session, first.id, caseworker)
                if e.kind == "message_received"]
    assert [(e.actor, e.data["payload"], e.params["message"]) for e in received] == [
        ("ana", DOCUMENTS, "documentos_recibidos")]
    view = engine.show_case(session, first.id, caseworker)
    assert view.data["documentos_recibidos"] == DOCUMENTS


def test_a_message_nothing_waits_for_is_refused_and_changes_nothing(session, waiting,
                                                                    fixture_forms, caseworker):
    first = waiting[0]
    with pytest.raises(engine.Conflict) as refused:
        run(session, engine.deliver_message, fixture_forms, first.id, "otro_mensaje", {},
            caseworker, LATER)
    assert refused.value.code == "message.not_awaited"
    assert refused.value.params["awaited"] == "documentos_recibidos"
    run(session, engine.deliver_message, fixture_forms, first.id, "documentos_recibidos",
        DOCUMENTS, caseworker, LATER)
    with pytest.raises(engine.Conflict) as twice:  # delivered already: nothing waits now
        run(session, engine.deliver_message, fixture_forms, first.id, "documentos_recibidos",
            DOCUMENTS, caseworker, LATER)
    assert twice.value.params["awaited"] == "-"
    assert session.query(Event).filter_by(kind="message_received").count() == 1


def test_a_payload_the_event_form_refuses_names_the_field(session, waiting, fixture_forms,
                                                          caseworker):
    first = waiting[0]
    with pytest.raises(engine.InvalidTaskData) as refused:
        run(session, engine.deliver_message, fixture_forms, first.id, "documentos_recibidos",
            {"servicio": "OLN", "documentos": "tres"}, caseworker, LATER)
    assert [e.field for e in refused.value.errors] == ["documentos"]
    with pytest.raises(engine.InvalidTaskData):
        run(session, engine.deliver_message, fixture_forms, first.id, "documentos_recibidos",
            ["not", "an", "object"], caseworker, LATER)
    assert engine.awaited_messages(session, first.id, caseworker)  # still waiting


def test_outside_the_territory_the_case_is_not_found(session, waiting, fixture_forms,
                                                     territories):
    giulia = engine.Actor("giulia", frozenset({"caseworker"}),
                          frozenset({territories["somma_lombardo"].id}))
    with pytest.raises(engine.NotFound):
        run(session, engine.deliver_message, fixture_forms, waiting[0].id,
            "documentos_recibidos", DOCUMENTS, giulia, LATER)
    pedro = engine.Actor("pedro", frozenset({"caseworker"}),
                         frozenset({territories["antofagasta"].id}))
    with pytest.raises(engine.NotAllowed):  # sees the case, is not its caseworker
        run(session, engine.deliver_message, fixture_forms, waiting[0].id,
            "documentos_recibidos", DOCUMENTS, pedro, LATER)


@pytest.mark.postgresql_only
def test_one_message_delivered_twice_at_once_lands_once(waiting, new_session, fixture_forms,
                                                        caseworker):
    case_id = waiting[0].id

    def deliver():
        return run(new_session(), engine.deliver_message, fixture_forms, case_id,
                   "documentos_recibidos", DOCUMENTS, caseworker, LATER)

    outcomes = at_once(deliver, deliver)
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert [e.code for e in refused] == ["message.not_awaited"]
    check = new_session()
    assert check.query(Event).filter_by(kind="message_received", case_id=case_id).count() == 1
    assert _steps(check, caseworker, case_id) == ["Revisar documentos"]


def test_a_closed_case_waits_for_nothing(session, waiting, fixture_forms, caseworker):
    first = waiting[0]
    run(session, engine.deliver_message, fixture_forms, first.id, "documentos_recibidos",
        DOCUMENTS, caseworker, LATER)
    [review] = [t for t in engine.list_tasks(session, caseworker) if t.case_id == first.id]
    run(session, engine.complete, fixture_forms, review.id, {"completos": True}, caseworker,
        LATER)
    assert engine.show_case(session, first.id, caseworker).status != "running"
    assert engine.awaited_messages(session, first.id, caseworker) == []
    with pytest.raises(engine.Conflict) as refused:
        run(session, engine.deliver_message, fixture_forms, first.id, "documentos_recibidos",
            DOCUMENTS, caseworker, LATER)
    assert refused.value.code == "message.not_awaited"
