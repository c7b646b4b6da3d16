"""Drafts of a programme's process edited in the modeler, and publishing one.

Programa Familias in Antofagasta: Marta manages it. A draft begins from the published
version; saving it on a stale revision is refused naming who saved it; a discarded draft is
gone; publishing builds version N+1 exactly as ``flask deploy`` does, with the draft's forms,
new cases start on it, running cases stay on theirs, and every step is in the history.
"""

import pytest
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.commands import process_drafts as drafts
from engine.core.errors import InvalidInput
from engine.definitions import catalog
from engine.persistence.models import HumanTask, ProcessDefinition, ProcessInstance
from tests.conftest import ROOT

FOLDER = ROOT / "processes" / "familias"
NEW_STEP = """
    <bpmn:userTask id="llamada_previa" name="Llamada previa">
      <bpmn:extensionElements>
        <spiffworkflow:instructionsForEndUser>Llame a la familia.\
</spiffworkflow:instructionsForEndUser>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formKey" value="familias/llamada_previa" />
          <spiffworkflow:property name="deadline" value="contacto" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="sf_llamada_primer_contacto" sourceRef="llamada_previa" \
targetRef="primer_contacto" />
"""
CALL_FORM = {"type": "object", "title": "Llamada previa", "required": ["fecha"],
             "properties": {"fecha": {"type": "string", "format": "date", "title": "Fecha"}}}


@pytest.fixture
def other_manager(territories):
    """Rosa, another manager of Antofagasta."""
    return engine.Actor("rosa", frozenset({"manager"}),
                        frozenset({territories["antofagasta"].id}))


def with_call_step(bpmn: str) -> str:
    """Familias with a call before the first contact, in the caseworker's lane."""
    bpmn = bpmn.replace('id="sf_inicio_primer_contacto" sourceRef="inicio" '
                        'targetRef="primer_contacto"',
                        'id="sf_inicio_primer_contacto" sourceRef="inicio" '
                        'targetRef="llamada_previa"')
    bpmn = bpmn.replace("<bpmn:flowNodeRef>primer_contacto</bpmn:flowNodeRef>",
                        "<bpmn:flowNodeRef>llamada_previa</bpmn:flowNodeRef>\n"
                        "        <bpmn:flowNodeRef>primer_contacto</bpmn:flowNodeRef>", 1)
    return bpmn.replace("</bpmn:process>", NEW_STEP + "  </bpmn:process>", 1)


def start(session, supervisor, family: str):
    command = engine.StartCase("familias", "antofagasta", "ana", family,
                               members=[{"name": "Luis Díaz", "age": 40}])
    with unit_of_work(session):
        return engine.start_case(session, command, supervisor)


def open_steps(session, case_id: int) -> set[str]:
    return set(session.scalars(select(HumanTask.bpmn_id).where(HumanTask.case_id == case_id)))


def test_a_draft_begins_from_the_published_version(session, deployed, manager):
    with unit_of_work(session):
        draft = drafts.open_draft(session, "familias", manager)
    assert (draft.based_on_version, draft.revision, draft.created_by) == (1, 1, "marta")
    assert set(draft.sources) == {"familias.bpmn", "trayectoria.dmn"}
    assert "familias/primer_contacto" in draft.forms
    assert draft.settings["programa"]["clave"] == "familias"
    assert drafts.validate_draft(session, draft, engine.FormLibrary(ROOT / "forms")) == []
    with unit_of_work(session):  # opening again resumes the same draft
        assert drafts.open_draft(session, "familias", manager).revision == 1


def test_a_save_on_a_stale_revision_is_refused_naming_who_saved(
        session, new_session, deployed, manager, other_manager):
    with unit_of_work(session):
        draft = drafts.open_draft(session, "familias", manager)
        sources = dict(draft.sources)
    with unit_of_work(session):
        saved = drafts.save_draft(session, "familias", manager, revision=1,
                                  sources={**sources, "familias.bpmn": with_call_step(
                                      sources["familias.bpmn"])})
    assert saved.revision == 2
    rosa = new_session()
    with pytest.raises(engine.Conflict) as refused, unit_of_work(rosa):
        drafts.save_draft(rosa, "familias", other_manager, revision=1, sources=sources)
    assert refused.value.code == "draft.changed_meanwhile"
    assert refused.value.params["by"] == "marta" and refused.value.params["revision"] == 2
    kept = drafts.current_draft(new_session(), "familias", manager)
    assert "llamada_previa" in kept.sources["familias.bpmn"]


def test_hostile_or_malformed_parts_are_refused_and_nothing_is_saved(session, deployed,
                                                                     manager):
    with unit_of_work(session):
        drafts.open_draft(session, "familias", manager)
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
            '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">'
            '&a;</bpmn:definitions>')
    for parts in ({"sources": {"familias.bpmn": bomb}}, {"sources": {"../x.bpmn": "<a/>"}},
                  {"forms": {"Bad Key": {}}}, {"sources": ["not", "a", "dict"]},
                  {"settings": "x"}, {"sources": {"f.bpmn": "a\x00b"}}):
        with pytest.raises(InvalidInput), unit_of_work(session):
            drafts.save_draft(session, "familias", manager, revision=1, **parts)
    assert drafts.current_draft(session, "familias", manager).revision == 1


def test_every_problem_of_a_draft_is_reported_without_raising(session, deployed, manager):
    with unit_of_work(session):
        draft = drafts.open_draft(session, "familias", manager)
        bpmn = with_call_step(draft.sources["familias.bpmn"])
        draft = drafts.save_draft(session, "familias", manager, revision=1,
                                  sources={**draft.sources, "familias.bpmn": bpmn})
    problems = drafts.validate_draft(session, draft, engine.FormLibrary(ROOT / "forms"))
    assert [(p.element, p.code) for p in problems] == [("llamada_previa", "process.user_task")]
    assert "llamada_previa" in problems[0].message and problems[0].line
    with unit_of_work(session):
        broken = drafts.save_draft(session, "familias", manager, revision=2,
                                   sources={"familias.bpmn": "<bpmn:definitions"})
    assert [p.code for p in drafts.validate_draft(session, broken, None)] == [
        "process.xml_syntax"]


def test_a_discarded_draft_is_gone_and_recorded(session, deployed, manager):
    with unit_of_work(session):
        drafts.open_draft(session, "familias", manager)
    with pytest.raises(engine.Conflict), unit_of_work(session):
        drafts.discard_draft(session, "familias", manager, revision=7)
    with unit_of_work(session):
        drafts.discard_draft(session, "familias", manager, revision=1)
    assert drafts.current_draft(session, "familias", manager) is None
    assert [e.kind for e in drafts.history(session, "familias")] == ["draft_discarded"]
    with pytest.raises(engine.NotFound), unit_of_work(session):
        drafts.save_draft(session, "familias", manager, revision=1, sources={})


def test_publishing_makes_version_two_with_the_drafts_forms_and_cases_keep_theirs(
        session, deployed, manager, supervisor, real_forms):
    before = start(session, supervisor, "Pérez")
    with unit_of_work(session):
        draft = drafts.open_draft(session, "familias", manager)
        bpmn = with_call_step(draft.sources["familias.bpmn"])
        drafts.save_draft(session, "familias", manager, revision=1,
                          sources={**draft.sources, "familias.bpmn": bpmn},
                          forms={**draft.forms, "familias/llamada_previa": CALL_FORM})
    with pytest.raises(InvalidInput), unit_of_work(session):
        drafts.publish_draft(session, "familias", manager, revision=2, comment="x\x00",
                             fallback=real_forms)
    with unit_of_work(session):
        result = drafts.publish_draft(session, "familias", manager, revision=2,
                                      comment="Llamada antes del primer contacto",
                                      fallback=real_forms)
    assert (result.version, result.created) == (2, True)
    version = session.get(ProcessDefinition, result.definition_id)
    assert (version.status, version.deployed_by, version.comment) == (
        "published", "marta", "Llamada antes del primer contacto")
    assert version.forms["schemas"]["familias/llamada_previa"] == CALL_FORM
    english = version.forms["names"]["en"]["steps"]  # the names of version 1 come along
    assert english["primer_contacto"] == "First contact with the family"
    assert "llamada_previa" not in english  # a new step reads as the BPMN names it
    assert catalog.latest_definition(session, "familias").version == 2
    assert drafts.current_draft(session, "familias", manager) is None
    after = start(session, supervisor, "Soto")
    assert open_steps(session, after.id) == {"llamada_previa"}
    assert open_steps(session, before.id) == {"primer_contacto"}
    versions = {case.id: session.scalar(
        select(ProcessDefinition.version).join(ProcessInstance,
                                               ProcessInstance.definition_id ==
                                               ProcessDefinition.id)
        .where(ProcessInstance.case_id == case.id)) for case in (before, after)}
    assert versions == {before.id: 1, after.id: 2}
    kinds = [(e.kind, e.actor) for e in drafts.history(session, "familias")]
    assert kinds == [("draft_published", "marta"), ("draft_saved", "marta")]


def test_a_draft_with_problems_is_not_published(session, deployed, manager, real_forms):
    with unit_of_work(session):
        draft = drafts.open_draft(session, "familias", manager)
        drafts.save_draft(session, "familias", manager, revision=1, sources={
            **draft.sources, "familias.bpmn": with_call_step(draft.sources["familias.bpmn"])})
    with pytest.raises(engine.InvalidProcess) as refused, unit_of_work(session):
        drafts.publish_draft(session, "familias", manager, revision=2, comment="",
                             fallback=real_forms)
    assert [p.element for p in refused.value.problems] == ["llamada_previa"]
    assert catalog.latest_definition(session, "familias").version == 1


def test_caseworkers_supervisors_and_other_countries_managers_are_refused(
        session, deployed, caseworker, supervisor, territories):
    italian = engine.Actor("paola", frozenset({"manager"}),
                           frozenset({territories["somma_lombardo"].id}))
    for person in (caseworker, supervisor, italian):
        with pytest.raises(engine.NotAllowed), unit_of_work(session):
            drafts.open_draft(session, "familias", person)


@pytest.mark.parametrize(("assignee", "expected"), [
    (None, "ana"), ("pool", None), ("caseworker", "ana"), ("field:tutor", None)])
def test_the_assignee_property_says_who_gets_the_new_step(
        session, deployed, manager, supervisor, real_forms, assignee, expected):
    with unit_of_work(session):
        draft = drafts.open_draft(session, "familias", manager)
        bpmn = with_call_step(draft.sources["familias.bpmn"])
        if assignee:
            bpmn = bpmn.replace('value="familias/llamada_previa" />',
                                'value="familias/llamada_previa" />\n'
                                f'<spiffworkflow:property name="assignee" value="{assignee}" />')
        drafts.save_draft(session, "familias", manager, revision=1,
                          sources={**draft.sources, "familias.bpmn": bpmn},
                          forms={**draft.forms, "familias/llamada_previa": CALL_FORM})
    with unit_of_work(session):
        drafts.publish_draft(session, "familias", manager, revision=2, comment="",
                             fallback=real_forms)
    case = start(session, supervisor, "Soto")
    row = session.scalars(select(HumanTask).where(HumanTask.case_id == case.id)).one()
    assert (row.bpmn_id, row.assignee) == ("llamada_previa", expected)


def test_an_unknown_assignee_is_a_problem(session, deployed, manager):
    with unit_of_work(session):
        draft = drafts.open_draft(session, "familias", manager)
        bpmn = draft.sources["familias.bpmn"].replace(
            'value="familias/ingreso" />',
            'value="familias/ingreso" /><spiffworkflow:property name="assignee" value="boss" />')
        draft = drafts.save_draft(session, "familias", manager, revision=1,
                                  sources={**draft.sources, "familias.bpmn": bpmn})
    problems = drafts.validate_draft(session, draft, engine.FormLibrary(ROOT / "forms"))
    assert [(p.element, "assignee 'boss'" in p.message) for p in problems] == [("ingreso", True)]


def test_a_programme_is_created_from_the_starting_template_and_published(
        session, territories, manager, supervisor, real_forms):
    from engine.commands.new_programme import create_programme

    with unit_of_work(session):
        draft = create_programme(session, manager, key="apoyo_escolar",
                                 name="Apoyo escolar <piloto>", country="CL")
    assert (draft.based_on_version, set(draft.sources)) == (1, {"apoyo_escolar.bpmn"})
    assert drafts.validate_draft(session, draft, real_forms) == []
    with pytest.raises(engine.NotFound):  # nobody can start a case on the template
        catalog.latest_definition(session, "apoyo_escolar")
    with unit_of_work(session):
        result = drafts.publish_draft(session, "apoyo_escolar", manager, revision=1,
                                      comment="Primera versión", fallback=real_forms)
    assert (result.version, result.created) == (1, False)
    assert catalog.latest_definition(session, "apoyo_escolar").version == 1
    command = engine.StartCase("apoyo_escolar", "antofagasta", "ana", "Pérez",
                               members=[{"name": "Luis Díaz", "age": 40}])
    with unit_of_work(session):
        case = engine.start_case(session, command, supervisor)
    row = session.scalars(select(HumanTask).where(HumanTask.case_id == case.id)).one()
    assert (row.bpmn_id, row.assignee, row.form_key) == ("primer_paso", "ana",
                                                         "apoyo_escolar/primer_paso")


def test_a_programme_key_must_be_new_and_well_formed(session, territories, manager, deployed):
    from engine.commands.new_programme import create_programme

    italian = engine.Actor("paola", frozenset({"manager"}),
                           frozenset({territories["somma_lombardo"].id}))
    for key, country, person, error in (("familias", "CL", manager, InvalidInput),
                                        ("Mal Clave", "CL", manager, InvalidInput),
                                        ("nuevo", "XX", manager, InvalidInput),
                                        ("nuevo", "CL", italian, engine.NotAllowed)):
        with pytest.raises(error), unit_of_work(session):
            create_programme(session, person, key=key, name="Nuevo", country=country)


def test_the_diagram_and_one_form_are_saved_in_turn_but_the_same_part_is_not(
        session, new_session, deployed, manager, other_manager):
    with unit_of_work(session):
        sources = dict(drafts.open_draft(session, "familias", manager).sources)
    with unit_of_work(session):  # the modeler's autosave: 1 → 2
        drafts.save_draft(session, "familias", manager, revision=1,
                          sources={**sources, "familias.bpmn": with_call_step(
                              sources["familias.bpmn"])})
    with unit_of_work(session):  # the form editor, opened on 1: only its form → 3
        saved = drafts.save_form(session, "familias", manager, "familias/llamada_previa",
                                 CALL_FORM, revision=1)
    assert saved.revision == 3
    rosa = new_session()
    with pytest.raises(engine.Conflict) as refused, unit_of_work(rosa):  # the same form, on 2
        drafts.save_form(rosa, "familias", other_manager, "familias/llamada_previa",
                         {**CALL_FORM, "title": "Otra"}, revision=2)
    assert refused.value.params["by"] == "marta" and refused.value.params["revision"] == 3
    with pytest.raises(engine.Conflict), unit_of_work(rosa):  # the diagram, on 1
        drafts.save_draft(rosa, "familias", other_manager, revision=1, sources=sources)
    kept = drafts.current_draft(new_session(), "familias", manager)
    assert kept.forms["familias/llamada_previa"] == CALL_FORM
    assert "llamada_previa" in kept.sources["familias.bpmn"]
    assert drafts.validate_draft(new_session(), kept, engine.FormLibrary(ROOT / "forms")) == []


def test_an_import_rewrites_the_whole_draft_so_any_older_save_meets_it(
        session, new_session, deployed, manager, real_forms):
    """A form editor opened before an import must not write its form into the imported
    draft unseen: an import counts as a save of every part."""
    from engine.commands import process_import

    with unit_of_work(session):
        draft = drafts.open_draft(session, "familias", manager)
        bpmn = draft.sources["familias.bpmn"].encode("utf-8")
    with unit_of_work(session):
        imported = process_import.import_into_draft(
            session, "familias", manager, bpmn, "familias.bpmn", revision=1,
            fallback=real_forms)
    assert imported.draft.revision == 2
    later = new_session()
    with pytest.raises(engine.Conflict), unit_of_work(later):
        drafts.save_form(later, "familias", manager, "familias/llamada_previa", CALL_FORM,
                         revision=1)
    with pytest.raises(engine.Conflict), unit_of_work(later):  # and an import on 1 again
        process_import.import_into_draft(later, "familias", manager, bpmn, "familias.bpmn",
                                         revision=1, fallback=real_forms)
    assert "familias/llamada_previa" not in drafts.current_draft(
        new_session(), "familias", manager).forms
