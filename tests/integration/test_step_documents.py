"""Documents attached to a completed step, kept in the database (SQLite and PostgreSQL)."""

from datetime import date

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.commands.documents import MAX_BYTES, MAX_PER_STEP
from engine.core.errors import InvalidInput
from engine.persistence.models import Document, Event, HumanTask
from web.demo_data import contacto

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def step(session, deployed, real_forms, caseworker, supervisor):
    with unit_of_work(session):
        case = engine.start_case(session, engine.StartCase(
            "familias", "antofagasta", "ana", "Rojas Pérez"), supervisor)
    task_id = session.scalars(select(HumanTask.id).where(HumanTask.case_id == case.id)).one()
    with unit_of_work(session):
        engine.claim(session, task_id, caseworker)
    with unit_of_work(session):
        engine.complete(session, real_forms, task_id, contacto(date(2026, 3, 5)), caseworker)
    return task_id


def test_a_signed_letter_is_kept_with_its_step_and_its_history(session, step, caseworker,
                                                                supervisor):
    with unit_of_work(session):
        document = engine.attach_document(session, step, "carta_compromiso",
                                          "../Carta firmada.PDF", PDF, caseworker)
    assert (document.filename, document.content_type, document.size) == (
        "Carta_firmada.pdf", "application/pdf", len(PDF))
    [listed] = engine.documents_of(session, step, supervisor)
    assert listed.id == document.id
    session.expire_all()
    assert engine.document(session, document.id, supervisor).content == PDF
    [event] = session.scalars(select(Event).where(Event.kind == "document_attached")).all()
    assert event.params == {"step": "Primer contacto con la familia",
                            "name": "Carta_firmada.pdf"}
    assert event.task_id == step


@pytest.mark.parametrize("content, code", [
    (b"", "required"), (b"MZ\x90\x00 not a pdf", "file_type"),
    (b"<html><script>alert(1)</script>", "file_type"), (b"%PDF-" + b"0" * MAX_BYTES, "size")])
def test_empty_large_or_unrecognised_files_are_refused(session, step, caseworker, content,
                                                       code):
    with pytest.raises(InvalidInput) as refused, unit_of_work(session):
        engine.attach_document(session, step, "consentimiento", "x.pdf", content, caseworker)
    assert [e.code for e in refused.value.errors] == [code]
    assert session.scalars(select(Document)).all() == []


def test_a_step_takes_a_limited_number_of_documents(session, step, caseworker):
    for _ in range(MAX_PER_STEP):
        with unit_of_work(session):
            engine.attach_document(session, step, "otro", "a.pdf", PDF, caseworker)
    with pytest.raises(InvalidInput), unit_of_work(session):
        engine.attach_document(session, step, "otro", "a.pdf", PDF, caseworker)


def test_only_those_who_may_see_the_case_reach_its_documents(session, step, caseworker,
                                                             territories):
    with unit_of_work(session):
        document = engine.attach_document(session, step, "otro", "a.png",
                                          b"\x89PNG\r\n\x1a\n....", caseworker)
    giulia = engine.Actor("giulia", frozenset({"caseworker"}),
                          frozenset({territories["somma_lombardo"].id}))
    pedro = engine.Actor("pedro", frozenset({"caseworker"}),
                         frozenset({territories["antofagasta"].id}))
    with pytest.raises(engine.NotFound):
        engine.document(session, document.id, giulia)
    assert engine.documents_of(session, step, giulia) == []
    with pytest.raises(engine.NotFound), unit_of_work(session):
        engine.attach_document(session, step, "otro", "a.pdf", PDF, giulia)
    with pytest.raises(engine.NotAllowed), unit_of_work(session):
        engine.attach_document(session, step, "otro", "a.pdf", PDF, pedro)
    assert engine.document(session, document.id, pedro).content_type == "image/png"
