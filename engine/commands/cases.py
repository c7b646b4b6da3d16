"""Starting a case and reading one back."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock, inputs, national_ids
from ..core.actors import Actor
from ..core.errors import FieldError, NotFound
from ..definitions import catalog, households, versions
from ..persistence import audit
from ..persistence.models import (
    Case,
    Event,
    Household,
    HumanTask,
    ProcessInstance,
    Territory,
    Timer,
)
from ..persistence.uow import command
from ..programmes import calendars
from . import household_registry, store


@dataclass(frozen=True)
class StartCase:
    """Open a programme for a household: who, where, and which caseworker holds it.

    A new household's ``members`` follow the programme's household schema (see
    :mod:`households`); ``national_id`` is its reference person's RUT or codice fiscale, the
    household's key in the territory. ``household_id`` opens the case on a registered one.
    """

    programme: str
    territory: str
    caseworker: str
    family_name: str
    members: list = field(default_factory=list)
    address: str | None = None
    household_id: int | None = None
    national_id: str | None = None
    people: dict = field(default_factory=dict)  # post name -> username (the case's tutor…)
    municipality: str | None = None  # a comune of the settings' [municipios] (P.I.P.P.I.)


Staff = Callable[[str], Actor | None]
"""Looks a person up by username: the active person as an actor, or ``None``."""


@command
def start_case(session: Session, command: StartCase, actor: Actor,
               now: datetime | None = None, staff: Staff | None = None) -> Case:
    """Create the case and run its process up to the first task; return the case.

    Refuses (:class:`InvalidInput`, nothing written, every problem at once) a blank or
    overlong family name, members the programme's household schema refuses, a national id
    that is not valid for the territory's country or already registered there, values the
    database cannot store and, when ``staff`` is given, a caseworker who is unknown, not a
    caseworker, or not working in the case's territory; :class:`NotAllowed` when the policy
    does (``start_case``: the actor's role and territory, the programme enabled there).
    """
    inputs.refuse_if("start_case", inputs.character_errors(
        {"programme": command.programme, "territory": command.territory,
         "caseworker": command.caseworker}))
    with clock.frozen_at(now) as moment:
        where = policy.opening(session, command.programme, command.territory)
        policy.require(session, actor, policy.START_CASE, where)
        programme, territory = where.programme, where.territory
        definition = catalog.latest_definition(session, programme.key)
        schema = versions.household_schema_of(session, definition.id, programme.key)
        settings = versions.settings_for(session, programme, definition.id)
        errors = (_household_errors(command, territory, schema)
                  + _municipality_errors(command.municipality, territory, settings))
        if staff is not None:
            errors += _caseworker_errors(staff, command, territory)
        inputs.refuse_if("start_case", errors)
        household = _household(session, command, territory, schema)
        case = Case(household=household, programme_key=programme.key, territory=territory,
                    caseworker=command.caseworker, opened_at=moment,
                    municipality=command.municipality or None)
        session.add(case)
        session.flush()
        if command.people:
            case.people = _named_people(session, case, definition, command.people, staff)
        data = _start_data(case, territory, store.case_context(case, settings).today())
        loaded = store.create(session, case, definition, settings, data, moment)
        audit.record(session, case.id, "case_started", actor.id, moment,
                     title=programme.name, data={"version": definition.version, **data},
                     params={"programme": programme.name, "version": definition.version})
        loaded.advance()
        store.save(session, loaded, moment)
        return case


def _named_people(session: Session, case: Case, definition, people: dict,
                  staff: Staff | None) -> dict:
    """The people named to the case's posts at opening, each checked by the policy."""
    from .case_people import opening_errors, posts_of_definition  # it imports this module
    settings = versions.settings_for(session, case.programme, definition.id)
    posts = posts_of_definition(session, definition.id, settings)
    if staff is None:  # the caller vouches for them (a test, the demo), as for the caseworker
        names = {post.name for post in posts}
        return {k: str(v) for k, v in people.items() if k in names and v}
    kept, errors = opening_errors(session, case, posts, people, staff)
    inputs.refuse_if("start_case", errors)
    return kept


def _household_errors(command: StartCase, territory: Territory,
                      schema: dict | None) -> list[FieldError]:
    """What is wrong with a new household's name, address, members and national id."""
    if command.household_id is not None:
        return []
    return (inputs.text_errors("family_name", command.family_name, inputs.MAX_FAMILY_NAME,
                               required=True)
            + inputs.text_errors("address", command.address, inputs.MAX_ADDRESS)
            + household_registry.errors(territory, schema, command.members,
                                        command.national_id))


def _municipality_errors(municipality: str | None, territory: Territory,
                         settings) -> list[FieldError]:
    """A municipality the programme's settings do not list in the territory
    (``[municipios]``)."""
    if not municipality:
        return []
    known = sorted(calendars.municipalities(settings.values, territory.code))
    if municipality in known:
        return []
    where = ", ".join(known) if known else "—"
    return [FieldError("municipality", "enum",
                       f"'{municipality}' no es un municipio de {territory.code} en el programa: "
                       f"use {where}.", known)]


def _caseworker_errors(staff: Staff, command: StartCase, territory: Territory) -> list:
    person = staff(command.caseworker)
    if person is None:
        return [FieldError("caseworker", "unknown_person",
                           f"No hay una persona activa llamada '{command.caseworker}'.")]
    if policy.CASEWORKER not in person.roles:
        return [FieldError("caseworker", "not_caseworker",
                           f"'{command.caseworker}' no es profesional a cargo de casos.")]
    if not person.covers(territory.id):
        return [FieldError("caseworker", "not_in_territory",
                           f"'{command.caseworker}' no trabaja en {territory.code}.")]
    if not person.may_work(policy.CASEWORKER, territory.id):
        return [FieldError("caseworker", "not_caseworker",
                           f"'{command.caseworker}' no es profesional a cargo de casos en "
                           f"{territory.code}.")]
    return []


def _household(session: Session, command: StartCase, territory: Territory,
               schema: dict | None) -> Household:
    if command.household_id is not None:
        return household_registry.existing(session, command.household_id, territory)
    return household_registry.register(session, territory, schema,
                                       command.family_name, command.address,
                                       list(command.members), command.national_id)


def _start_data(case: Case, territory: Territory, today) -> dict:
    data = {"caso_id": case.id, "programa": case.programme_key, "territorio": territory.code,
            "fecha_asignacion": today.isoformat()}
    if case.municipality:
        data["municipio"] = case.municipality
    return data


@dataclass
class CaseView:
    """Everything about a case a person may want to see at once."""

    case: Case
    status: str
    data: dict
    tasks: list[HumanTask]
    timers: list[Timer]
    history: list[Event]
    members: list[households.Member] = field(default_factory=list)
    household_key: str = ""  # the reference person's RUT or codice fiscale, as written


def show_case(session: Session, case_id: int, actor: Actor) -> CaseView:
    """The case, its open tasks, pending timers, current data and full history."""
    case = visible_case(session, case_id, actor)
    instance = session.scalars(
        select(ProcessInstance).where(ProcessInstance.case_id == case_id)).one()
    loaded = store.load(session, instance.id, lock=False)
    data = loaded.workflow.last_task.data if loaded.workflow.last_task else {}
    tasks = session.scalars(select(HumanTask).where(HumanTask.case_id == case_id)
                            .order_by(HumanTask.created_at)).all()
    timers = session.scalars(select(Timer).where(Timer.instance_id == instance.id)
                             .order_by(Timer.due_at)).all()
    country = case.territory.country
    return CaseView(case, instance.status, dict(data), list(tasks), list(timers),
                    case_history(session, case_id, actor),
                    households.shown_members(case.household, country),
                    national_ids.shown(country, case.household.national_key))


def case_history(session: Session, case_id: int, actor: Actor) -> list[Event]:
    """The case's audit trail in the order things happened."""
    visible_case(session, case_id, actor)
    query = select(Event).where(Event.case_id == case_id).order_by(Event.at, Event.id)
    return list(session.scalars(query).all())


def visible_case(session: Session, case_id: int, actor: Actor) -> Case:
    """The case, if ``actor`` may see it; otherwise :class:`NotFound` (never "forbidden")."""
    case = session.get(Case, case_id) if inputs.is_database_id(case_id) else None
    if case is None:
        raise NotFound(f"no case {case_id}", code="case.not_found", case=str(case_id))
    policy.require(session, actor, policy.SEE_CASE, case)
    return case
