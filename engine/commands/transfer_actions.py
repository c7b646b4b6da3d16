"""What people do with a family's transfers (engine.commands.transfers schedules and settles
them): prove a month's Control Niño Sano check-ups — from the Gestor Familiar's monthly report
(the user task's ``transferProof`` field) or from the case file —, record a member's
achievement, mark a due transfer paid. Each asks the policy (``record_transfer``,
``pay_transfer``) and is kept in the case history; commands run inside the caller's unit of
work and never commit.
"""

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock, inputs
from ..core.actors import Actor
from ..core.errors import Conflict, FieldError, InvalidInput, NotFound
from ..persistence import uow
from ..persistence.models import (
    TRANSFER_DUE,
    TRANSFER_PAID,
    TRANSFER_SCHEDULED,
    Case,
    Transfer,
)
from ..programmes import transfers as rules
from ..runtime import workflow as runtime
from . import transfers


def proof_from_task(session: Session, case: Case, task, actor: Actor, at: datetime) -> bool:
    """A completed step whose ``transferProof`` field says yes proves this month's check-ups."""
    field = runtime.properties(task).get(transfers.PROOF_PROPERTY)
    if not field or task.data.get(field) is not True:
        return False
    row = _current_health_row(session, case, at)
    if row is None or row.status != TRANSFER_SCHEDULED:
        return False
    _prove(session, case, row, actor, at)
    return True


def _current_health_row(session: Session, case: Case, at: datetime) -> Transfer | None:
    """This month's conditional transfer, if the family has one this month."""
    month = session.scalar(select(func.max(Transfer.period)).where(
        Transfer.case_id == case.id, Transfer.kind != rules.ACHIEVEMENT,
        Transfer.period_start <= at))
    query = (select(Transfer).where(Transfer.case_id == case.id, Transfer.period == month,
                                    Transfer.kind == rules.HEALTH_CHECK).with_for_update())
    return session.scalars(query).first() if month else None


def _prove(session: Session, case: Case, row: Transfer, actor: Actor, at: datetime) -> None:
    row.proof_at, row.proof_by = at, actor.id
    settings = transfers.settings_of(session, case)
    transfers.record(session, case, settings, row, "transfer_proof", at, actor.id)
    row.next_at = None
    transfers.make_due(session, case, settings, row, at)


@uow.command
def record_proof(session: Session, transfer_id: int, actor: Actor,
                 now: datetime | None = None, case_id: int | None = None) -> Transfer:
    """The AFI (or a supervisor) records this month's Control Niño Sano proof from the case
    file: the month's conditional transfer becomes due. With ``case_id``, a transfer of
    another case is :class:`NotFound`."""
    with clock.frozen_at(now) as moment:
        row, case = _locked(session, transfer_id, actor, policy.RECORD_TRANSFER, case_id)
        if row.kind != rules.HEALTH_CHECK:
            raise Conflict("only a conditional transfer takes a proof",
                           code="transfer.no_proof_needed", transfer=row.id)
        if row.period_start > moment:
            raise Conflict("the month has not begun", code="transfer.period_not_started",
                           transfer=row.id, period=row.period)
        if row.status != TRANSFER_SCHEDULED:
            raise Conflict(f"transfer {row.id} is {row.status}", code="transfer.proof_closed",
                           transfer=row.id, period=row.period, status=row.status)
        _prove(session, case, row, actor, moment)
        return row


@uow.command
def mark_paid(session: Session, transfer_id: int, actor: Actor,
              now: datetime | None = None, case_id: int | None = None) -> Transfer:
    """The Jefe/a de Unidad marks a due transfer paid (who and when are kept). With
    ``case_id``, a transfer of another case is :class:`NotFound`."""
    with clock.frozen_at(now) as moment:
        row, case = _locked(session, transfer_id, actor, policy.PAY_TRANSFER, case_id)
        if row.status == TRANSFER_PAID:
            raise Conflict(f"transfer {row.id} was paid", code="transfer.already_paid",
                           transfer=row.id, by=row.paid_by, at=row.paid_at.isoformat())
        if row.status != TRANSFER_DUE:
            raise Conflict(f"transfer {row.id} is {row.status}", code="transfer.not_due",
                           transfer=row.id, status=row.status)
        row.status, row.paid_at, row.paid_by = TRANSFER_PAID, moment, actor.id
        settings = transfers.settings_of(session, case)
        transfers.record(session, case, settings, row, "transfer_paid", moment, actor.id)
        return row


@uow.command
def record_achievement(session: Session, case_id: int, achievement: str, member: int,
                       actor: Actor, now: datetime | None = None) -> Transfer:
    """A member's achievement (``formalizacion_laboral``, ``egreso_ensenanza_media``) makes a
    transfer por logro due, once per member and achievement."""
    with clock.frozen_at(now) as moment:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound(f"no case {case_id}", code="case.not_found", case=case_id)
        policy.require(session, actor, policy.RECORD_TRANSFER, case)
        settings = transfers.settings_of(session, case)
        amount = rules.achievement_amount(settings.values, achievement)
        members = case.household.members or []
        errors = _achievement_errors(achievement, amount, member, members)
        if errors:
            raise InvalidInput("transfer_achievement", errors)
        entry = _entry(session, case.id)
        if entry is None:
            raise Conflict("the family has no transfers", code="transfer.none_scheduled",
                           case=case.id)
        detail = f"{achievement}:{member}"
        if session.scalar(select(Transfer.id).where(Transfer.case_id == case.id,
                                                    Transfer.kind == rules.ACHIEVEMENT,
                                                    Transfer.detail == detail)):
            raise Conflict("achievement already recorded", code="transfer.achievement_recorded",
                           name=members[member].get("name"), achievement=achievement)
        calendar = transfers.calendar_of(case)
        period = rules.period_of(entry, calendar.local_date(moment))
        row = Transfer(case_id=case.id, household_id=case.household_id,
                       programme_key=case.programme_key, territory_id=case.territory_id,
                       kind=rules.ACHIEVEMENT, period=period, detail=detail,
                       period_start=moment, amount=amount, beneficiaries=1,
                       status=TRANSFER_SCHEDULED, created_at=moment)
        session.add(row)
        session.flush()
        transfers.record(session, case, settings, row, "transfer_achievement", moment, actor.id,
                achievement=achievement, name=members[member].get("name"))
        transfers.make_due(session, case, settings, row, moment)
        return row


def _achievement_errors(achievement: str, amount, member, members: list) -> list[FieldError]:
    errors = []
    if achievement not in rules.ACHIEVEMENTS or amount is None:
        errors.append(FieldError("achievement", "enum", "choose one of the achievements",
                                 list(rules.ACHIEVEMENTS)))
    if not isinstance(member, int) or isinstance(member, bool) or not 0 <= member < len(members):
        errors.append(FieldError("member", "unknown", "choose a member of the household"))
    return errors


def _entry(session: Session, case_id: int) -> date | None:
    query = select(Transfer.period_start).where(Transfer.case_id == case_id,
                                                Transfer.period == 1,
                                                Transfer.kind != rules.ACHIEVEMENT).limit(1)
    start = session.scalar(query)
    if start is None:
        return None
    case = session.get(Case, case_id)
    return transfers.calendar_of(case).local_date(start)


def _locked(session: Session, transfer_id, actor: Actor, action: str,
            case_id: int | None) -> tuple[Transfer, Case]:
    row = None
    if inputs.is_database_id(transfer_id):
        row = session.scalars(select(Transfer).where(Transfer.id == transfer_id)
                              .with_for_update()).first()
    if row is None or case_id not in (None, row.case_id):
        raise NotFound(f"no transfer {transfer_id}", code="transfer.not_found",
                       transfer=str(transfer_id)[:40])
    case = session.get(Case, row.case_id)
    if not policy.may(session, actor, policy.SEE_CASE, case):
        raise NotFound(f"no transfer {transfer_id}", code="transfer.not_found",
                       transfer=str(transfer_id)[:40])
    policy.require(session, actor, action, case)
    return row, case
