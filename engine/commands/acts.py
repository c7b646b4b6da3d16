"""Acting outside the schedule, from the case file: a withdrawal, a move, a concern, a contact.

Each act is an event subprocess of the case's process (engine.runtime.acts), started by a
named message; its start event's ``formKey`` names its short form. :func:`case_acts` lists
what a case's version offers a person now; :func:`perform_act` validates the form, records
the act in the case's history and delivers it, in the caller's unit of work. An act whose
start event says ``moveTo="FIELD"`` moves the case: its territory becomes the one in FIELD
(its household goes along, or, when another of the household's cases stays open where it was,
the case takes a copy of it), its caseworker the person in ``caseworkerField``, and every open
step goes to that territory (to its pool, or to the new caseworker, as each step says).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock, inputs
from ..core.actors import Actor
from ..core.errors import Conflict, FieldError, InvalidInput, InvalidTaskData
from ..definitions import act_sources, catalog, versions
from ..definitions.forms import FormLibrary
from ..persistence import audit, mirror
from ..persistence.models import (
    Case,
    Household,
    HumanTask,
    ProcessInstance,
    ProgrammeTerritory,
    Territory,
)
from ..persistence.uow import command
from ..runtime import acts as runtime_acts
from ..runtime import workflow as runtime
from . import places, store
from .cases import visible_case

ACT_RECORDED = "act_recorded"  # audit kind
CASE_MOVED = "case_moved"  # audit kind
MOVE_PROPERTY, CASEWORKER_PROPERTY = "moveTo", "caseworkerField"

Staff = Callable[[str], Actor | None]


@dataclass(frozen=True)
class Act:
    """An act a case's version offers: its message (``key``), name, form and kind."""

    key: str
    name: str
    form_key: str | None
    interrupting: bool
    move_field: str | None = None
    caseworker_field: str | None = None


def version_acts(session: Session, definition_id: int) -> list[Act]:
    """Every act the version ``definition_id`` models, in the diagram's order."""
    spec, subs = catalog.spec_by_id(session, definition_id)
    interrupting = act_sources.interrupting_starts(session, definition_id)
    return [Act(t.message, t.name, t.properties.get("formKey"), t.start_id in interrupting,
                t.properties.get(MOVE_PROPERTY), t.properties.get(CASEWORKER_PROPERTY))
            for t in runtime_acts.triggers(spec, subs)]


def may_act(case: Case, actor: Actor) -> bool:
    """Whether ``actor`` may record acts on ``case`` (its caseworker or a territory
    supervisor)."""
    return policy.may(Session.object_session(case), actor, policy.ACT_ON_CASE, case)


def case_acts(session: Session, case_id: int, actor: Actor) -> list[Act]:
    """The acts ``actor`` may record on the case now (none on a closed case)."""
    case = visible_case(session, case_id, actor)
    if case.status != "open" or not may_act(case, actor):
        return []
    return version_acts(session, _instance(session, case.id).definition_id)


def move_destinations(session: Session, case: Case) -> list[Territory]:
    """Where the case may move: the other territories of its country where its programme
    is enabled."""
    query = (select(Territory).join(ProgrammeTerritory,
                                    ProgrammeTerritory.territory_id == Territory.id)
             .where(ProgrammeTerritory.programme_key == case.programme_key,
                    Territory.country == case.territory.country, Territory.id != case.territory_id)
             .order_by(Territory.name))
    return list(session.scalars(query))


@command
def perform_act(session: Session, forms: FormLibrary, case_id: int, act_key: str, data: dict,
                actor: Actor, now: datetime | None = None, staff: Staff | None = None) -> Case:
    """Record the act ``act_key`` with its form's ``data`` on the case, and run what it starts.

    Refuses, changing nothing: :class:`NotFound` when the actor may not see the case,
    :class:`NotAllowed` unless they are its caseworker or a supervisor of its territory
    (``policy.act_not_allowed``), :class:`Conflict` when the case is closed
    (``act.case_closed``) or its version has no such act (``act.not_offered``),
    :class:`InvalidTaskData` when the form refuses ``data`` and :class:`InvalidInput` when a
    move names a territory it may not go to, one where the family is registered already, or
    (when ``staff`` looks people up) a person who may not hold the case there.
    """
    inputs.refuse_if("perform_act", inputs.character_errors({"act": act_key, "data": data}))
    with clock.frozen_at(now) as moment:
        case = visible_case(session, case_id, actor)
        policy.require(session, actor, policy.ACT_ON_CASE, case)
        places.lock_case_pool(session, case.id, moment)  # the lock order of engine.commands.places
        loaded = store.load_for_update(session, _instance(session, case.id).id)
        act = _offered(session, loaded, act_key)
        _check_form(session, loaded, forms, act, data)
        if loaded.case.deadlines_paused_at is None:
            loaded.catch_up(moment)  # what fell due before the act happens first
        if loaded.instance.status != "running" or loaded.workflow.is_completed():
            raise _closed(case)
        audit.record(session, case.id, ACT_RECORDED, actor.id, moment, title=act.name,
                     data={"act": act.key, "submitted": data, "form": act.form_key},
                     params={"act": act.name})
        moved_from = _move(session, loaded, act, data, actor, moment, staff)
        runtime_acts.deliver_act(loaded.workflow, act.key, dict(data), act.interrupting,
                                 lambda task: loaded.steps.append((task, clock.now())))
        store.save(session, loaded, moment)
        if moved_from is not None:
            _rehome_steps(session, loaded)
        return loaded.case


def _instance(session: Session, case_id: int) -> ProcessInstance:
    return session.scalars(select(ProcessInstance)
                           .where(ProcessInstance.case_id == case_id)).one()


def _closed(case: Case) -> Conflict:
    return Conflict(f"case {case.id} is closed: it accepts no more acts",
                    code="act.case_closed", case=case.id)


def _offered(session: Session, loaded: store.LoadedCase, key: str) -> Act:
    if loaded.case.status != "open" or loaded.instance.status != "running":
        raise _closed(loaded.case)
    act = next((a for a in version_acts(session, loaded.instance.definition_id)
                if a.key == key), None)
    if act is None:
        raise Conflict(f"the version of case {loaded.case.id} has no act '{key}'",
                       code="act.not_offered", case=loaded.case.id, act=str(key)[:64])
    return act


def _check_form(session: Session, loaded: store.LoadedCase, forms: FormLibrary, act: Act,
                data: dict) -> None:
    library = versions.forms_of(session, loaded.instance.definition_id, forms)
    if not isinstance(data, dict):
        raise InvalidTaskData(act.form_key or act.key,
                              [FieldError("(formulario)", "type", "Se esperaba un formulario.")])
    errors = library.validate(act.form_key, data) if act.form_key else []
    if errors:
        raise InvalidTaskData(act.form_key, errors)


def _move(session: Session, loaded: store.LoadedCase, act: Act, data: dict, actor: Actor,
          moment: datetime, staff: Staff | None) -> Territory | None:
    """Move the case to the territory the act names; return where it was (None: no move)."""
    if not act.move_field:
        return None
    case = loaded.case
    code = data.get(act.move_field)
    destination = next((t for t in move_destinations(session, case) if t.code == code), None)
    errors = [] if destination is not None else [FieldError(
        act.move_field, "unknown", "El programa no funciona en ese territorio del país.")]
    holder = data.get(act.caseworker_field) if act.caseworker_field else None
    if destination is not None and holder is not None:
        errors += _holder_errors(act.caseworker_field, holder, destination, staff)
    if destination is not None and _registered_there(session, case, destination):
        errors.append(FieldError(act.move_field, "duplicate", "La persona de referencia de "
                                 "esta familia ya está registrada en ese territorio."))
    if errors:
        raise InvalidInput("perform_act", errors)
    origin = case.territory
    audit.record(session, case.id, CASE_MOVED, actor.id, moment,
                 title=f"{origin.name} → {destination.name}",
                 data={"from": origin.code, "to": destination.code,
                       "caseworker_from": case.caseworker, "caseworker_to": holder},
                 params={"from": origin.name, "to": destination.name})
    case.territory, case.territory_id = destination, destination.id
    _rehome_household(session, case, destination)
    if holder is not None:
        case.caseworker = holder
    return origin


def _rehome_household(session: Session, case: Case, destination: Territory) -> None:
    """The household goes with the case, unless another of its cases stays open where it
    was: then the case takes a copy of it to the destination and the team left behind keeps
    theirs (a household belongs to one territory)."""
    household = case.household
    others = select(Case.id).where(Case.household_id == household.id, Case.id != case.id,
                                   Case.status == "open")
    if session.scalar(others.limit(1)) is None:
        household.territory_id = destination.id
        return
    copy = Household(territory_id=destination.id, family_name=household.family_name,
                     address=household.address, members=list(household.members or []),
                     national_key=household.national_key, search_text=household.search_text)
    session.add(copy)
    session.flush()
    case.household, case.household_id = copy, copy.id


def _registered_there(session: Session, case: Case, where: Territory) -> bool:
    """Whether another household of ``where`` has this household's national id (a household
    is unique per territory by it)."""
    key = case.household.national_key
    if not key:
        return False
    query = select(Household.id).where(Household.territory_id == where.id,
                                       Household.national_key == key,
                                       Household.id != case.household_id)
    return session.scalar(query.limit(1)) is not None


def _holder_errors(field: str, username: str, where: Territory,
                   staff: Staff | None) -> list[FieldError]:
    person = staff(username) if staff is not None else None
    if staff is not None and person is None:
        return [FieldError(field, "unknown_person", f"No hay una persona activa '{username}'.")]
    if person is not None and policy.CASEWORKER not in person.roles:
        return [FieldError(field, "not_caseworker", f"'{username}' no lleva casos.")]
    if person is not None and not person.covers(where.id):
        return [FieldError(field, "not_in_territory", f"'{username}' no trabaja en {where.code}.")]
    return []


def _rehome_steps(session: Session, loaded: store.LoadedCase) -> None:
    """Every open step of a moved case goes to its new territory, to the person each step
    names there (the new caseworker) or to its role's pool."""
    case = loaded.case
    rows = session.scalars(select(HumanTask).where(HumanTask.instance_id == loaded.instance.id))
    for row in rows:
        task = runtime.find_task(loaded.workflow, row.id)
        row.territory_id = case.territory_id
        if task is not None:
            row.assignee = mirror.default_assignee_after_move(task, case, loaded.settings)
            row.claimed_at = None
