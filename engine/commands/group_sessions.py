"""Group sessions: one record for a seminar or a workshop session, with its attendance list.

A programme whose manifest has a ``[group_sessions]`` section (Triple P: ``charlas`` →
``charla``, ``talleres`` → ``sesion_grupal``) holds sessions of those modalities for many
families at once. The facilitator creates the session (:func:`create_group_session`: date,
place, topic — checked against the step's own form), lists the families whose case waits at
that step and ticks who attended (:func:`save_attendance`: never more families than the
modality's ``familias_maximas``, the settings' ``[sesiones_grupales.<modality>]``), and
submits it (:func:`submit_group_session`, between ``familias_minimas`` and
``familias_maximas`` listed).

Submitting completes the step of each attending family's case with the session's data, each
family in its **own unit of work**: its list row is marked ``moved`` in the same transaction
as its case's new state, so a family is moved on exactly once however often (or however many
people at once) the session is submitted; a family whose step was completed or closed since it
was listed (its ``task_id`` is no longer open), or whose case a concurrent write changed (the
instance's ``lock_version``), is marked ``conflict`` with why, and the others still go through.
An absent family's case stays where it is (its step keeps its deadline, reminder and
escalation); its history records the absence.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock
from ..core.actors import Actor
from ..core.errors import (
    AlreadyCompleted,
    Conflict,
    EngineError,
    FieldError,
    InvalidInput,
    InvalidTaskData,
    NotFound,
)
from ..definitions import catalog, manifest, versions
from ..definitions.forms import FormLibrary
from ..persistence import audit, uow
from ..persistence.models import (
    GROUP_OPEN,
    GROUP_SUBMITTED,
    MEMBER_ABSENT,
    MEMBER_CONFLICT,
    MEMBER_FAILED,
    MEMBER_MOVED,
    MEMBER_PENDING,
    Case,
    GroupSession,
    GroupSessionMember,
    Household,
    HumanTask,
    Programme,
    ProgrammeTerritory,
    Territory,
)
from ..policy.rules import Opening
from . import tasks

CONSUMER = "group_sessions"
SETTINGS_TABLE = "sesiones_grupales"
FIELDS = {"fecha_sesion": "held_on", "lugar": "place", "tema": "topic"}  # form field: column
ABSENT_KIND = "group_session_absent"
MAX_TEXT = 200


@dataclass(frozen=True)
class Limits:
    """How many families a session of one modality lists, and where the numbers come from."""

    modality: str
    minimum: int
    maximum: int
    source: str | None = None


@dataclass(frozen=True)
class Eligible:
    """A family whose case waits at the session's step: it may be listed."""

    case_id: int
    family_name: str
    task_id: str
    caseworker: str
    due_at: datetime | None


@dataclass(frozen=True)
class Submission:
    """What submitting a session did: families moved on, absent, in conflict, failed, and
    still ``pending`` (being dealt with by someone submitting at the same moment);
    ``already`` when it had been submitted before (by ``by`` at ``at``)."""

    group_id: int
    already: bool
    by: str | None
    at: datetime | None
    moved: int
    absent: int
    conflicts: int
    failed: int
    pending: int = 0


def modalities(programme_key: str) -> dict[str, str]:
    """The modalities held as group sessions, each with the step a family completes."""
    found = manifest.for_programme(programme_key)
    needs = found.needs.get(CONSUMER) if found else None
    return dict(needs.steps) if needs else {}


def limits_of(programme: Programme, modality: str) -> Limits:
    """The families a session of ``modality`` lists at least and at most (settings)."""
    table = catalog.settings_of(programme).values.get(SETTINGS_TABLE, {}).get(modality, {})
    table = table if isinstance(table, dict) else {}
    minimum, maximum = table.get("familias_minimas", 1), table.get("familias_maximas", 0)
    return Limits(modality, _whole(minimum, 1), _whole(maximum, 0), table.get("fuente"))


def _whole(value, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def opening_of(session: Session, programme_key: str, territory: Territory) -> Opening:
    """The programme in ``territory`` (whether it is enabled there), for the policy."""
    programme = catalog.programme(session, programme_key)
    enabled = session.get(ProgrammeTerritory, (programme_key, territory.id)) is not None
    return Opening(programme, territory, enabled)


def eligible(session: Session, group: GroupSession) -> list[Eligible]:
    """The families whose case (of the session's programme and territory) waits at the
    session's step now, by family name."""
    query = (select(HumanTask.case_id, Household.family_name, HumanTask.id, Case.caseworker,
                    HumanTask.due_at)
             .join(Case, Case.id == HumanTask.case_id)
             .join(Household, Household.id == Case.household_id)
             .where(HumanTask.programme_key == group.programme_key,
                    HumanTask.territory_id == group.territory_id,
                    HumanTask.bpmn_id == group.step, Case.status == "open")
             .order_by(Household.family_name, Case.id))
    return [Eligible(*row) for row in session.execute(query)]


@uow.command
def create_group_session(session: Session, forms: FormLibrary, actor: Actor, programme_key: str,
                         territory_code: str, modality: str, values: dict,
                         now: datetime | None = None) -> GroupSession:
    """A new open session of ``modality`` in the territory; ``values`` holds its
    ``fecha_sesion``, ``lugar`` and ``tema``, checked as the step's form checks them (plus: not
    a future date). Bad values raise :class:`InvalidInput` naming each field; nothing is kept."""
    with clock.frozen_at(now) as moment:
        opening = policy.opening(session, programme_key, territory_code)
        policy.require(session, actor, policy.RUN_GROUP_SESSION, opening)
        steps = modalities(programme_key)
        if modality not in steps:
            raise InvalidInput("group_session", [FieldError(
                "modalidad", "enum", "modalidad sin sesiones grupales", sorted(steps))])
        clean = {name: str(values.get(name) or "").strip() for name in FIELDS}
        _check_values(session, forms, programme_key, steps[modality], clean, moment, opening)
        group = GroupSession(programme_key=programme_key, territory_id=opening.territory.id,
                             modality=modality, step=steps[modality], status=GROUP_OPEN,
                             created_by=actor.id, created_at=moment,
                             **{column: clean[name] for name, column in FIELDS.items()})
        session.add(group)
        session.flush()
        return group


def _check_values(session: Session, forms: FormLibrary, programme_key: str, step: str,
                  values: dict, moment: datetime, opening: Opening) -> None:
    errors = [FieldError(name, "required", "obligatorio")
              for name, value in values.items() if not value]
    errors += [FieldError(name, "maxLength", "demasiado largo", MAX_TEXT)
               for name, value in values.items() if len(value) > MAX_TEXT]
    if not errors:
        form_key, form = _step_form(session, forms, programme_key, step)
        errors = [e for e in form.validate(form_key, _step_data(values, attended=True))
                  if e.field in FIELDS]
    if not errors and _day(values["fecha_sesion"]) > _local_today(moment, opening):
        errors = [FieldError("fecha_sesion", "maximum", "fecha futura", "today")]
    if errors:
        raise InvalidInput("group_session", errors)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return date.max


def _local_today(moment: datetime, opening: Opening) -> date:
    return moment.astimezone(ZoneInfo(opening.territory.timezone)).date()


def _step_form(session: Session, forms: FormLibrary, programme_key: str,
               step: str) -> tuple[str, FormLibrary]:
    """The form key of ``step`` in the published version, and that version's forms."""
    definition = catalog.latest_definition(session, programme_key)
    spec, subs = catalog.spec_by_id(session, definition.id)
    task_spec = next(p.task_specs[step] for p in (spec, *subs.values()) if step in p.task_specs)
    form_key = getattr(task_spec, "extensions", {}).get("properties", {}).get("formKey")
    return form_key, versions.forms_of(session, definition.id, forms)


def form_choices(session: Session, forms: FormLibrary, programme_key: str,
                 modality: str) -> dict[str, dict[str, str]]:
    """For the session's fields the step's form restricts to a list (``lugar``, ``tema``),
    the codes allowed and how each reads (the form's ``x-labels``)."""
    form_key, form = _step_form(session, forms, programme_key, modalities(programme_key)[modality])
    properties = form.schema(form_key).get("properties", {})
    return {name: {code: properties[name].get("x-labels", {}).get(code, code)
                   for code in properties[name]["enum"]}
            for name in FIELDS if "enum" in properties.get(name, {})}


def _step_data(values: dict, *, attended: bool) -> dict:
    """What an attending family's step is completed with."""
    return {**values, "asistio": attended, "novedad": "ninguna"}


def step_data(group: GroupSession) -> dict:
    """The data each attending family's step is completed with (the session's own)."""
    values = {name: getattr(group, column) for name, column in FIELDS.items()}
    return _step_data(values, attended=True)


@uow.command
def save_attendance(session: Session, actor: Actor, group_id: int, listed: dict[int, bool],
                    version: int | None = None, now: datetime | None = None) -> GroupSession:
    """Keep the session's list: ``listed`` maps each listed family's case id to whether it
    attended. Refused, with nothing changed: a submitted session (``group.already_submitted``),
    a list saved by someone else since ``version`` (``group.changed_meanwhile``), more families
    than the modality's cap (``group.over_capacity``), a case not waiting at the step
    (``group.not_eligible``)."""
    with clock.frozen_at(now) as moment:
        group = _locked_group(session, actor, group_id)
        _still_open(group)
        if version is not None and version != group.lock_version:
            raise Conflict(f"group session {group_id} was saved meanwhile",
                           code="group.changed_meanwhile", group=group_id,
                           by=group.saved_by or group.created_by,
                           at=(group.saved_at or group.created_at).isoformat())
        limits = limits_of(catalog.programme(session, group.programme_key), group.modality)
        if len(listed) > limits.maximum:
            raise _size_error("group.over_capacity", group, len(listed), limits)
        open_steps = {e.case_id: e for e in eligible(session, group)}
        kept = {m.case_id: m for m in _members(session, group.id)}
        unknown = [case_id for case_id in listed if case_id not in open_steps
                   and case_id not in kept]
        if unknown:
            raise InvalidInput("group_session", [FieldError(
                f"familia_{case_id}", "unknown", "no espera en este paso") for case_id in unknown])
        _replace_members(session, group, listed, open_steps, kept)
        group.saved_by, group.saved_at = actor.id, moment
        session.flush()
        return group


def _replace_members(session: Session, group: GroupSession, listed: dict[int, bool],
                     open_steps: dict[int, Eligible], kept: dict[int, GroupSessionMember]) -> None:
    gone = [m.id for case_id, m in kept.items() if case_id not in listed]
    if gone:
        session.execute(delete(GroupSessionMember).where(GroupSessionMember.id.in_(gone)))
    for case_id, attended in listed.items():
        member = kept.get(case_id)
        if member is None:
            session.add(GroupSessionMember(group_session_id=group.id, case_id=case_id,
                                           task_id=open_steps[case_id].task_id,
                                           attended=bool(attended), status=MEMBER_PENDING))
        else:
            member.attended = bool(attended)
            if case_id in open_steps:  # listed again: at the step it waits at now
                member.task_id = open_steps[case_id].task_id


def _size_error(code: str, group: GroupSession, count: int, limits: Limits) -> InvalidTaskData:
    rule, limit = (("maxItems", limits.maximum) if code == "group.over_capacity"
                   else ("minItems", limits.minimum))
    return InvalidTaskData("group_session", [FieldError("familias", rule, "familias", limit)],
                           code=code, group=group.id, modality=group.modality, count=count,
                           minimum=limits.minimum, maximum=limits.maximum)


def _locked_group(session: Session, actor: Actor, group_id: int) -> GroupSession:
    group = session.get(GroupSession, group_id, with_for_update=True, populate_existing=True)
    if group is None or not policy.sees_territory(actor, group.territory_id):
        raise NotFound(f"no group session {group_id}", code="group.not_found", group=group_id)
    policy.require(session, actor, policy.RUN_GROUP_SESSION,
                   opening_of(session, group.programme_key, group.territory))
    return group


def _still_open(group: GroupSession) -> None:
    if group.status != GROUP_OPEN:
        raise Conflict(f"group session {group.id} was already submitted",
                       code="group.already_submitted", group=group.id, by=group.submitted_by,
                       at=group.submitted_at.isoformat() if group.submitted_at else None)


def _members(session: Session, group_id: int) -> list[GroupSessionMember]:
    query = (select(GroupSessionMember).where(GroupSessionMember.group_session_id == group_id)
             .order_by(GroupSessionMember.id))
    return list(session.scalars(query))


def submit_group_session(session: Session, forms: FormLibrary, group_id: int, actor: Actor,
                         now: datetime | None = None,
                         on_member: Callable[[GroupSessionMember], None] | None = None,
                         ) -> Submission:
    """Record the session: complete the step of every attending listed family, each in its
    own unit of work (an entry point: it commits as it goes, so no unit of work may be open
    on ``session``). Refused with nothing changed when the list is shorter or longer than
    the modality allows. Submitting again goes on with the families not dealt with yet (none,
    once it has finished) and changes nothing else. ``on_member`` is told of each family
    dealt with."""
    if session.info.get(uow.ACTIVE) is not None:
        raise RuntimeError("submit_group_session commits one family at a time: call it "
                           "outside a unit of work")
    with clock.frozen_at(now) as moment:
        already, by, at = _mark_submitted(session, actor, group_id, moment)
        while (member := _settle_next(session, forms, group_id, actor, moment)) is not None:
            if on_member is not None:
                on_member(member)
        counts = _counts(session, group_id)
    return Submission(group_id, already, by, at, counts.get(MEMBER_MOVED, 0),
                      counts.get(MEMBER_ABSENT, 0), counts.get(MEMBER_CONFLICT, 0),
                      counts.get(MEMBER_FAILED, 0), counts.get(MEMBER_PENDING, 0))


def _mark_submitted(session: Session, actor: Actor, group_id: int,
                    moment: datetime) -> tuple[bool, str, datetime]:
    with uow.unit_of_work(session):
        group = _locked_group(session, actor, group_id)
        if group.status == GROUP_SUBMITTED:
            return True, group.submitted_by, group.submitted_at
        limits = limits_of(catalog.programme(session, group.programme_key), group.modality)
        listed = session.scalar(select(func.count()).where(
            GroupSessionMember.group_session_id == group_id))
        if listed > limits.maximum:
            raise _size_error("group.over_capacity", group, listed, limits)
        if listed < limits.minimum:
            raise _size_error("group.too_few", group, listed, limits)
        group.status, group.submitted_by, group.submitted_at = GROUP_SUBMITTED, actor.id, moment
        return False, actor.id, moment


def _settle_next(session: Session, forms: FormLibrary, group_id: int, actor: Actor,
                 moment: datetime) -> GroupSessionMember | None:
    """Deal with the next pending family of the session in a unit of work of its own."""
    member_id = None
    try:
        with uow.unit_of_work(session):
            member = _next_pending(session, group_id)
            if member is None:
                return None
            member_id = member.id
            _settle(session, forms, member, actor, moment)
            return member
    except AlreadyCompleted as lost:
        return _mark(session, member_id, MEMBER_CONFLICT, "group.step_done_meanwhile",
                     {"by": lost.completion.by, "at": lost.completion.at.isoformat(),
                      "step": lost.completion.title}, moment)
    except (NotFound, Conflict) as moved:
        if member_id is None:
            raise
        reason = "group.case_moved" if moved.code in ("task.not_found",
                                                       "task.closed_meanwhile") else moved.code
        return _mark(session, member_id, MEMBER_CONFLICT, reason, moved.params, moment)
    except EngineError as error:
        if member_id is None:
            raise
        return _mark(session, member_id, MEMBER_FAILED, error.code, error.params, moment)


def _next_pending(session: Session, group_id: int) -> GroupSessionMember | None:
    query = (select(GroupSessionMember)
             .where(GroupSessionMember.group_session_id == group_id,
                    GroupSessionMember.status == MEMBER_PENDING)
             .order_by(GroupSessionMember.id).limit(1).with_for_update(skip_locked=True))
    return session.scalars(query.execution_options(populate_existing=True)).first()


def _settle(session: Session, forms: FormLibrary, member: GroupSessionMember, actor: Actor,
            moment: datetime) -> None:
    group = session.get(GroupSession, member.group_session_id)
    if member.attended:
        tasks.complete(session, forms, member.task_id, step_data(group), actor, moment,
                       action=policy.RECORD_GROUP_ATTENDANCE)
        member.status = MEMBER_MOVED
    else:
        _record_absence(session, group, member, actor, moment)
        member.status = MEMBER_ABSENT
    member.done_at = moment


def _record_absence(session: Session, group: GroupSession, member: GroupSessionMember,
                    actor: Actor, moment: datetime) -> None:
    step = session.scalar(select(HumanTask.title).where(HumanTask.id == member.task_id))
    audit.record(session, member.case_id, ABSENT_KIND, actor.id, moment,
                 title=f"No asistió a la sesión grupal del {group.held_on}",
                 data={"group_session": group.id, "task": member.task_id},
                 params={"date": group.held_on, "step": step or group.step})


def _mark(session: Session, member_id: int, status: str, reason: str | None,
          params: dict | None, moment: datetime) -> GroupSessionMember:
    with uow.unit_of_work(session):
        member = session.get(GroupSessionMember, member_id, with_for_update=True,
                             populate_existing=True)
        if member.status == MEMBER_PENDING:
            member.status, member.reason, member.done_at = status, reason, moment
            member.params = {k: v for k, v in (params or {}).items() if k != "fields"}
        return member


def _counts(session: Session, group_id: int) -> dict[str, int]:
    query = (select(GroupSessionMember.status, func.count())
             .where(GroupSessionMember.group_session_id == group_id)
             .group_by(GroupSessionMember.status))
    return dict(session.execute(query).all())
