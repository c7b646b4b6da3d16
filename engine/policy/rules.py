"""The rule of each action: ``None`` when the actor may, else the error to raise."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import clock
from ..core.errors import EngineError, NotAllowed, NotFound
from ..core.roles import ADMIN, CASEWORKER, MANAGER, SUPERVISOR, SYSTEM_ROLE
from ..definitions import catalog
from ..persistence.models import Case, HumanTask, Programme, Territory
from .scope import is_system, sees_territory, supervises

if TYPE_CHECKING:
    from ..core.actors import Actor

SEE_CASE, SEE_TASK, OPEN_TASK = "see_case", "see_task", "open_task"
START_CASE, CLAIM_TASK, WORK_TASK = "start_case", "claim_task", "work_task"
RELEASE_TASK, REASSIGN_TASK, PAUSE_DEADLINES = "release_task", "reassign_task", "pause_deadlines"
READ_DRAFT, SUPERVISE, READ_REPORTS = "read_draft", "supervise", "read_reports"
MANAGE_PROGRAMME, ENABLE_PROGRAMME = "manage_programme", "enable_programme"
CORRECT_STEP, EDIT_HOUSEHOLD = "correct_step", "edit_household"
ATTACH_DOCUMENT = "attach_document"
TRANSFER_CASE, NAME_CASE_PERSON = "transfer_case", "name_case_person"
TAKE_TASK, TAKE_POST = "take_task", "take_post"
MIGRATE_CASES = "migrate_cases"

STARTERS = frozenset({CASEWORKER, SUPERVISOR, ADMIN, SYSTEM_ROLE})
OVERSEERS = frozenset({SUPERVISOR, MANAGER, ADMIN, SYSTEM_ROLE})
MANAGERS = frozenset({MANAGER, ADMIN, SYSTEM_ROLE})
ADMINISTRATORS = frozenset({ADMIN, SYSTEM_ROLE})

Refusal = EngineError | None
RULES: dict[str, Callable[[Session, Actor, object], Refusal]] = {}


@dataclass(frozen=True)
class Post:
    """A place a person is named to in a case: its caseworker, its tutor, its home educator,
    its referent; ``role`` is the application role the post needs."""

    case: Case
    role: str
    name: str = "caseworker"


@dataclass(frozen=True)
class Opening:
    """A programme in a territory, and whether the programme is enabled there."""

    programme: Programme
    territory: Territory
    enabled: bool
    starts_on: date | None = None  # the territory runs it from that day

    @property
    def country(self) -> str:
        """The programme's country (from its settings)."""
        return catalog.settings_of(self.programme).country


@dataclass(frozen=True)
class Authored:
    """A step recorded in ``case`` by ``author`` (a correction's subject)."""

    case: Case
    author: str


def _rule(*actions: str):
    def register(function):
        for action in actions:
            RULES[action] = function
        return function
    return register


def not_allowed(actor: Actor, action: str, why: str, code: str = "policy.not_allowed",
                **params) -> NotAllowed:
    """The refusal of ``action`` to ``actor``, with its code and parameters."""
    return NotAllowed(f"{actor.id} may not {action}: {why}", code=code, action=action,
                      **params)


def needs_role(actor: Actor, action: str, roles: frozenset[str]) -> Refusal:
    """A refusal unless ``actor`` has one of ``roles``."""
    if actor.roles & roles:
        return None
    wanted = sorted(roles - {SYSTEM_ROLE})
    return not_allowed(actor, action, f"needs one of the roles {wanted}", roles=wanted)


def unseen_case(actor: Actor, case: Case) -> Refusal:
    """:class:`NotFound` unless ``actor`` may see ``case``."""
    if sees_territory(actor, case.territory_id):
        return None
    return NotFound(f"no case {case.id}", code="case.not_found", case=case.id)


def unseen_task(actor: Actor, task: HumanTask) -> Refusal:
    """:class:`NotFound` unless ``actor`` may see ``task``."""
    if sees_territory(actor, task.territory_id):
        return None
    return NotFound(f"no open task {task.id}", code="task.not_found", task=task.id)


@_rule(SEE_CASE)
def _see_case(session: Session, actor: Actor, case: Case) -> Refusal:
    return unseen_case(actor, case)


@_rule(SEE_TASK)
def _see_task(session: Session, actor: Actor, task: HumanTask) -> Refusal:
    return unseen_task(actor, task)


@_rule(OPEN_TASK)
def _open_task(session: Session, actor: Actor, task: HumanTask) -> Refusal:
    refusal = unseen_task(actor, task)
    if refusal is None and not (actor.may_work(task.role, task.territory_id)
                                or supervises(actor, task.territory_id)):
        refusal = _task_role(actor, OPEN_TASK, task)
    return refusal


def _task_role(actor: Actor, action: str, task: HumanTask) -> NotAllowed:
    return not_allowed(actor, action, f"task '{task.title}' needs the role {task.role!r}",
                       code="policy.needs_task_role", role=task.role, task=task.id,
                       title=task.title)


@_rule(CLAIM_TASK)
def _claim_task(session: Session, actor: Actor, task: HumanTask) -> Refusal:
    refusal = unseen_task(actor, task)
    if refusal is None and not actor.may_work(task.role, task.territory_id):
        refusal = _task_role(actor, CLAIM_TASK, task)
    return refusal


@_rule(WORK_TASK)
def _work_task(session: Session, actor: Actor, task: HumanTask) -> Refusal:
    refusal = _claim_task(session, actor, task)
    if refusal is None and task.assignee not in (None, actor.id):
        refusal = not_allowed(actor, WORK_TASK, f"this task is assigned to {task.assignee}",
                              code="policy.task_held_by_other", assignee=task.assignee,
                              task=task.id)
    return refusal


def _holder_or_supervisor(action: str):
    def rule(session: Session, actor: Actor, task: HumanTask) -> Refusal:
        refusal = unseen_task(actor, task)
        if (refusal is None and task.assignee != actor.id
                and not supervises(actor, task.territory_id)):
            refusal = not_allowed(actor, action, "only the task's holder or a supervisor of "
                                  "its territory may", code="policy.holder_or_supervisor",
                                  task=task.id)
        return refusal
    return rule


RULES[RELEASE_TASK] = _holder_or_supervisor(RELEASE_TASK)
RULES[READ_DRAFT] = _holder_or_supervisor(READ_DRAFT)


@_rule(REASSIGN_TASK)
def _reassign_task(session: Session, actor: Actor, task: HumanTask) -> Refusal:
    refusal = unseen_task(actor, task)
    if refusal is None and not supervises(actor, task.territory_id):
        refusal = not_allowed(actor, REASSIGN_TASK, "only a supervisor of this territory may "
                              "reassign tasks", code="policy.supervisor_only", task=task.id)
    return refusal


@_rule(PAUSE_DEADLINES)
def _pause_deadlines(session: Session, actor: Actor, case: Case) -> Refusal:
    refusal = unseen_case(actor, case)
    if refusal is None and actor.id != case.caseworker and not supervises(actor,
                                                                          case.territory_id):
        refusal = not_allowed(actor, PAUSE_DEADLINES, "only the case's caseworker or a "
                              "supervisor of its territory may", code="policy.pause_not_allowed",
                              case=case.id)
    return refusal


@_rule(CORRECT_STEP)
def _correct_step(session: Session, actor: Actor, step: Authored) -> Refusal:
    refusal = unseen_case(actor, step.case)
    if refusal is None and actor.id != step.author and not supervises(actor,
                                                                      step.case.territory_id):
        refusal = not_allowed(actor, CORRECT_STEP, "only the step's author or a supervisor "
                              "of its territory may correct it",
                              code="policy.correct_not_allowed", case=step.case.id)
    return refusal


@_rule(ATTACH_DOCUMENT)
def _attach_document(session: Session, actor: Actor, step: Authored) -> Refusal:
    refusal = unseen_case(actor, step.case)
    if refusal is None and actor.id not in (step.author, step.case.caseworker) and not \
            supervises(actor, step.case.territory_id):
        refusal = not_allowed(actor, ATTACH_DOCUMENT, "only the step's author, the case's "
                              "caseworker or a supervisor of its territory may",
                              code="policy.attach_not_allowed", case=step.case.id)
    return refusal


@_rule(EDIT_HOUSEHOLD)
def _edit_household(session: Session, actor: Actor, case: Case) -> Refusal:
    refusal = unseen_case(actor, case)
    if refusal is None and actor.id != case.caseworker and not supervises(actor,
                                                                          case.territory_id):
        refusal = not_allowed(actor, EDIT_HOUSEHOLD, "only the case's caseworker or a "
                              "supervisor of its territory may",
                              code="policy.household_not_allowed", case=case.id)
    return refusal


def _overseer(action: str):
    def rule(session: Session, actor: Actor, thing: object) -> Refusal:
        return needs_role(actor, action, OVERSEERS)
    return rule


RULES[SUPERVISE] = _overseer(SUPERVISE)
RULES[READ_REPORTS] = _overseer(READ_REPORTS)


@_rule(START_CASE)
def _start_case(session: Session, actor: Actor, where: Opening | None) -> Refusal:
    """``where`` None: whether the actor may open cases at all (the new-case page)."""
    refusal = needs_role(actor, START_CASE, STARTERS)
    if where is None or refusal is not None:
        return refusal
    refusal = _outside(actor, START_CASE, where)
    if refusal is None and not where.enabled:
        refusal = not_allowed(
            actor, START_CASE, f"{where.programme.key} is not enabled in {where.territory.code}",
            code="policy.programme_not_enabled", programme=where.programme.key,
            territory=where.territory.code)
    if refusal is None and where.starts_on is not None and \
            clock.now().astimezone(ZoneInfo(where.territory.timezone)).date() < where.starts_on:
        refusal = not_allowed(
            actor, START_CASE, f"{where.programme.key} starts in {where.territory.code} on "
            f"{where.starts_on}", code="policy.programme_not_started",
            programme=where.programme.key, territory=where.territory.code,
            starts_on=where.starts_on.isoformat())
    return refusal


def _outside(actor: Actor, action: str, where: Opening) -> Refusal:
    if sees_territory(actor, where.territory.id):
        return None
    return not_allowed(actor, action, f"does not work in {where.territory.code}",
                       code="policy.not_in_territory", territory=where.territory.code)


@_rule(ENABLE_PROGRAMME)
def _enable_programme(session: Session, actor: Actor, where: Opening) -> Refusal:
    refusal = needs_role(actor, ENABLE_PROGRAMME, ADMINISTRATORS)
    # an administrator of the territory's country may, working there or not
    if refusal is None and not _administers(session, actor, where.territory.country):
        refusal = _outside(actor, ENABLE_PROGRAMME, where)
    if refusal is None and where.country != where.territory.country:
        refusal = not_allowed(
            actor, ENABLE_PROGRAMME, f"{where.programme.key} runs in {where.country}, "
            f"{where.territory.code} is in {where.territory.country}",
            code="policy.country_mismatch", programme=where.programme.key,
            country=where.country, territory=where.territory.code,
            territory_country=where.territory.country)
    return refusal


@_rule(MANAGE_PROGRAMME)
def _manage_programme(session: Session, actor: Actor, programme: Programme | None) -> Refusal:
    """``programme`` None: whether the actor manages programmes at all."""
    refusal = needs_role(actor, MANAGE_PROGRAMME, MANAGERS)
    if programme is None or refusal is not None:
        return refusal
    country = catalog.settings_of(programme).country
    if country not in countries(session, actor, {country}):
        refusal = not_allowed(actor, MANAGE_PROGRAMME, f"works in no territory of {country}, "
                              f"where {programme.key} runs", code="policy.not_in_country",
                              programme=programme.key, country=country)
    return refusal


@_rule(MIGRATE_CASES)
def _migrate_cases(session: Session, actor: Actor, thing: Programme | Case | None) -> Refusal:
    """Moving running cases to another version: a manager of the programme (``thing`` a
    Programme), and for each case (``thing`` a Case) one who works in its territory."""
    refusal = needs_role(actor, MIGRATE_CASES, MANAGERS)
    if refusal is not None or thing is None:
        return refusal
    if isinstance(thing, Case):
        if not sees_territory(actor, thing.territory_id):
            return not_allowed(actor, MIGRATE_CASES, f"does not work in the territory of case "
                               f"{thing.id}", code="policy.not_in_territory",
                               territory=thing.territory_id)
        return None
    return _manage_programme(session, actor, thing)


def countries(session: Session, actor: Actor, asked: set[str]) -> set[str]:
    """Of the countries ``asked``, those ``actor`` works in (all of them for an actor of
    every territory)."""
    if actor.territories is None or is_system(actor):
        return set(asked)
    query = select(Territory.country).where(Territory.id.in_(sorted(actor.territories)))
    return set(session.scalars(query)) & set(asked)


ACT_ON_CASE = "act_on_case"


@_rule(ACT_ON_CASE)
def _act_on_case(session: Session, actor: Actor, case: Case) -> Refusal:
    """Acts outside the schedule (a withdrawal, a move...): the case's caseworker or a
    supervisor of its territory."""
    refusal = unseen_case(actor, case)
    if refusal is None and actor.id != case.caseworker and not supervises(actor,
                                                                          case.territory_id):
        refusal = not_allowed(actor, ACT_ON_CASE, "only the case's caseworker or a supervisor "
                              "of its territory may", code="policy.act_not_allowed", case=case.id)
    return refusal
@_rule(TRANSFER_CASE)
def _transfer_case(session: Session, actor: Actor, case: Case) -> Refusal:
    refusal = unseen_case(actor, case)
    if refusal is None and not supervises(actor, case.territory_id):
        refusal = not_allowed(actor, TRANSFER_CASE, "only a supervisor of its territory may "
                              "transfer a case", code="policy.transfer_not_allowed",
                              case=case.id)
    return refusal


@_rule(NAME_CASE_PERSON)
def _name_case_person(session: Session, actor: Actor, case: Case) -> Refusal:
    refusal = unseen_case(actor, case)
    if refusal is None and actor.id != case.caseworker and not supervises(actor,
                                                                          case.territory_id):
        refusal = not_allowed(actor, NAME_CASE_PERSON, "only the case's caseworker or a "
                              "supervisor of its territory may", code="policy.name_not_allowed",
                              case=case.id)
    return refusal


def _receiver(person: Actor, action: str, role: str | None, territory_id: int,
              what: str) -> Refusal:
    """Whether ``person`` may be given something that needs ``role`` in ``territory_id``:
    the refusal says which of the two they lack."""
    if role not in person.roles:
        return not_allowed(person, action, f"{person.id} does not have the role {role!r}",
                           code="routing.needs_role", person=person.id, role=role, what=what)
    if not person.covers(territory_id):
        return not_allowed(person, action, f"{person.id} does not work in this territory",
                           code="routing.not_in_territory", person=person.id, what=what)
    if not person.may_work(role, territory_id):  # the role, but in another territory
        return not_allowed(person, action, f"{person.id} is not {role!r} in this territory",
                           code="routing.needs_role", person=person.id, role=role, what=what)
    return None


@_rule(TAKE_TASK)
def _take_task(session: Session, person: Actor, task: HumanTask) -> Refusal:
    """``person`` (the one a task would be given to) may hold ``task``."""
    return _receiver(person, TAKE_TASK, task.role, task.territory_id, task.title)


@_rule(TAKE_POST)
def _take_post(session: Session, person: Actor, post: Post) -> Refusal:
    """``person`` may be named to ``post`` in its case."""
    return _receiver(person, TAKE_POST, post.role, post.case.territory_id, post.name)


MOVE_CASE_STEP = "move_case_step"


@_rule(MOVE_CASE_STEP)
def _move_case_step(session: Session, actor: Actor, case: Case) -> Refusal:
    """Moving a running case back to a step it passed (a repair): an administrator working
    in the case's territory."""
    refusal = unseen_case(actor, case)
    if refusal is None and not actor.roles & ADMINISTRATORS:
        refusal = not_allowed(actor, MOVE_CASE_STEP, "only an administrator may move a case to "
                              "another step", code="policy.move_not_allowed", case=case.id)
    return refusal


def admin_countries(session: Session, actor: Actor) -> set[str] | None:
    """The countries ``actor`` administers (they hold ``admin`` in a territory there);
    ``None`` for every country (the system, an administrator of every territory)."""
    if is_system(actor) or (actor.territories is None and ADMIN in actor.roles):
        return None
    where = [t for t in (actor.territories or ()) if ADMIN in actor.roles_in(t)]
    if not where:
        return set()
    return set(session.scalars(select(Territory.country).where(Territory.id.in_(sorted(where)))))


def _administers(session: Session, actor: Actor, country: str) -> bool:
    reached = admin_countries(session, actor)
    return reached is None or country in reached
