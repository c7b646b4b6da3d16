"""A family's money transfers: scheduled when the Carta de Compromiso is signed, due month by
month on the case's clock, paid by the Jefe/a de Unidad, withheld with their reason.

- The script task with property ``transfers = start`` (Programa Familias: *Activar Bono de
  Protección*) schedules the family's 24 months from ``fecha_ingreso``
  (engine.programmes.transfers, the ``[transferencias]`` settings), once.
- The sweep (:func:`settle_due`, run by engine.commands.sweep) makes each month's transfers
  due on its first day. A conditional transfer (the Control Niño Sano) waits for its proof:
  the AFI is reminded ``aviso_dias`` before the ``[plazos.control_nino_sano]`` deadline, and
  when it passes without proof the month's transfer is withheld and the case escalated to
  whom ``escala_a`` names — reminder and escalation as for any other deadline.
- The proof comes from a user task with property ``transferProof`` naming its yes/no field
  (the Gestor Familiar's monthly report), or from the case file (:func:`record_proof`).
- A case that closes cancels what was still scheduled.

Commands run inside the caller's unit of work and never commit.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from .. import policy
from ..core import clock, inputs
from ..core.actors import SYSTEM, Actor
from ..core.errors import Conflict, FieldError, InvalidInput, NotFound
from ..definitions import versions
from ..persistence import audit, uow
from ..persistence.models import (
    TRANSFER_CANCELLED,
    TRANSFER_DUE,
    TRANSFER_PAID,
    TRANSFER_SCHEDULED,
    TRANSFER_WITHHELD,
    Case,
    ProcessInstance,
    Transfer,
)
from ..persistence.uow import unit_of_work
from ..programmes import deadlines
from ..programmes import transfers as rules
from ..programmes.calendars import TerritoryCalendar
from ..programmes.settings import ESCALATE_TO, ProgrammeSettings
from ..runtime import workflow as runtime

log = logging.getLogger("acompana.transfers")
START_PROPERTY, PROOF_PROPERTY = "transfers", "transferProof"
NO_PROOF = "transfer.no_health_check_proof"  # why a conditional transfer was withheld
ENTRY_FIELD, INCOME_FIELD = "fecha_ingreso", "ingreso_autonomo_mensual"


def starts_schedule(task) -> bool:
    """Whether running ``task`` starts the family's transfers (property ``transfers=start``)."""
    return str(runtime.properties(task).get(START_PROPERTY, "")).lower() == "start"


def calendar_of(case: Case) -> TerritoryCalendar:
    """The calendar the case's transfer deadlines are counted in."""
    territory = case.territory
    return TerritoryCalendar(territory.country, territory.region, territory.timezone)


def schedule(session: Session, case: Case, settings: ProgrammeSettings, data: dict,
             at: datetime) -> int:
    """Schedule the family's monthly transfers from ``data``'s entry date (once); the ones
    whose month has begun are settled at once. Returns how many were scheduled."""
    entry = data.get(ENTRY_FIELD)
    if not entry or not rules.table(settings.values) or _has_schedule(session, case.id):
        return 0
    income = data.get(INCOME_FIELD)
    family = rules.Family(date.fromisoformat(str(entry)[:10]), list(case.household.members),
                          income if isinstance(income, int) else None)
    planned = rules.schedule(settings.values, family)
    calendar = calendar_of(case)
    proof_rule = settings.deadlines.get(rules.HEALTH_DEADLINE)
    for item in planned:
        session.add(_row(case, item, calendar, proof_rule, at))
    audit.record(session, case.id, "transfers_scheduled", SYSTEM.id, at,
                 title="Transferencias programadas",
                 code="event.transfers_scheduled",
                 params={"months": rules.months(settings.values), "entry": str(family.entry),
                         "count": len(planned)})
    session.flush()
    _settle_case(session, case, at)
    return len(planned)


def _has_schedule(session: Session, case_id: int) -> bool:
    query = select(Transfer.id).where(Transfer.case_id == case_id).limit(1)
    return session.scalar(query) is not None


def _row(case: Case, item: rules.Planned, calendar: TerritoryCalendar, proof_rule,
         at: datetime) -> Transfer:
    start = clock.as_utc(calendar.at(item.start))
    row = Transfer(case_id=case.id, household_id=case.household_id,
                   programme_key=case.programme_key, territory_id=case.territory_id,
                   kind=item.kind, period=item.period, detail="", step=item.step,
                   period_start=start, amount=item.amount, beneficiaries=item.beneficiaries,
                   status=TRANSFER_SCHEDULED, next_at=start, created_at=at)
    if item.kind == rules.HEALTH_CHECK and proof_rule is not None:
        deadline = deadlines.compute(proof_rule, {}, calendar, start)
        row.proof_due = clock.as_utc(deadline.escalate_at)
        row.next_at = clock.as_utc(deadline.remind_at)
    return row


# -- the sweep -------------------------------------------------------------------------------

@dataclass
class SettleResult:
    """What one pass over the due transfers did."""

    cases: int = 0
    settled: int = 0


def settle_due(database: Engine, now: datetime | None = None, limit: int = 1000) -> SettleResult:
    """Settle every transfer whose moment came by ``now``: one unit of work per case, each
    case's rows under their row locks (a second sweep skips them), so each is settled once."""
    moment = clock.as_utc(now) if now else clock.now()
    result = SettleResult()
    with Session(database, expire_on_commit=False) as session:
        query = (select(Transfer.case_id).where(Transfer.next_at <= moment)
                 .group_by(Transfer.case_id).limit(limit))
        case_ids = list(session.scalars(query))
        session.rollback()
        for case_id in case_ids:
            try:
                with unit_of_work(session):
                    settled = _settle_case(session, session.get(Case, case_id), moment)
            except Exception as error:  # noqa: BLE001 - one case's failure is never the sweep's
                log.warning("transfers of case %d failed: %s", case_id, error)
                continue
            result.cases += 1 if settled else 0
            result.settled += settled
    return result


def _settle_case(session: Session, case: Case, moment: datetime) -> int:
    query = (select(Transfer).where(Transfer.case_id == case.id, Transfer.next_at <= moment)
             .order_by(Transfer.next_at, Transfer.id).with_for_update(skip_locked=True))
    rows = list(session.scalars(query))
    settings = _settings(session, case) if rows else None
    for row in rows:
        _settle(session, case, settings, row, moment)
    return len(rows)


def _settings(session: Session, case: Case) -> ProgrammeSettings:
    definition_id = session.scalar(select(ProcessInstance.definition_id)
                                   .where(ProcessInstance.case_id == case.id))
    return versions.settings_for(session, case.programme, definition_id)


def _settle(session: Session, case: Case, settings: ProgrammeSettings, row: Transfer,
            moment: datetime) -> None:
    when, row.next_at = row.next_at, None
    if row.status != TRANSFER_SCHEDULED:
        return
    if row.kind != rules.HEALTH_CHECK or row.proof_at is not None:
        _make_due(session, case, settings, row, when)
    elif row.proof_due is None or moment < row.proof_due:
        _remind(session, case, settings, row, when)
    else:
        _withhold(session, case, settings, row)


def _make_due(session: Session, case: Case, settings, row: Transfer, at: datetime) -> None:
    row.status, row.due_at = TRANSFER_DUE, at
    _record(session, case, settings, row, "transfer_due", at)


def _remind(session: Session, case: Case, settings, row: Transfer, at: datetime) -> None:
    row.reminded_at, row.next_at = at, row.proof_due
    audit.record(session, case.id, "reminder", SYSTEM.id, at,
                 title=f"Aviso: acreditar el Control Niño Sano del mes {row.period}",
                 data={"deadline": rules.HEALTH_DEADLINE, "to": case.caseworker,
                       "transfer": row.id, "due": _due_day(case, row)},
                 code="event.transfer_proof_reminder",
                 params=_params(settings, row) | {"day": _due_day(case, row)})


def _withhold(session: Session, case: Case, settings, row: Transfer) -> None:
    at = row.proof_due
    row.status, row.reason = TRANSFER_WITHHELD, NO_PROOF
    rule = settings.deadlines.get(rules.HEALTH_DEADLINE)
    params = _params(settings, row) | {"day": _due_day(case, row)}
    audit.record(session, case.id, "transfer_withheld", SYSTEM.id, at,
                 title=f"Transferencia retenida: {params['transfer']} del mes {row.period}",
                 data={"transfer": row.id, "reason": NO_PROOF},
                 code="event.transfer_withheld", params=params | {"reason": NO_PROOF})
    audit.record(session, case.id, "escalation", SYSTEM.id, at,
                 title=f"Sin acreditación del Control Niño Sano del mes {row.period}",
                 data={"deadline": rules.HEALTH_DEADLINE, "to": case.caseworker,
                       "transfer": row.id, "due": params["day"],
                       "escalate_to": rule.escalate_to if rule else ESCALATE_TO[0]},
                 code="event.transfer_proof_escalation", params=params)


def _due_day(case: Case, row: Transfer) -> str | None:
    """The proof's due day (the day before its escalation moment), in the territory."""
    if row.proof_due is None:
        return None
    return str(calendar_of(case).local_date(row.proof_due - timedelta(seconds=1)))


def _params(settings, row: Transfer) -> dict:
    return {"transfer": rules.title(settings.values, row.kind), "period": row.period,
            "amount": row.amount}


def _record(session: Session, case: Case, settings, row: Transfer, kind: str, at: datetime,
            actor: str = SYSTEM.id, **extra) -> None:
    params = _params(settings, row) | extra
    audit.record(session, case.id, kind, actor, at,
                 title=f"{params['transfer']} — mes {row.period}: ${row.amount}",
                 data={"transfer": row.id}, code=f"event.{kind}", params=params)


# -- proofs, achievements, payments ----------------------------------------------------------

def proof_from_task(session: Session, case: Case, task, actor: Actor, at: datetime) -> bool:
    """A completed step whose ``transferProof`` field says yes proves this month's check-ups."""
    field = runtime.properties(task).get(PROOF_PROPERTY)
    if not field or task.data.get(field) is not True:
        return False
    row = _current_health_row(session, case, at)
    if row is None or row.status != TRANSFER_SCHEDULED:
        return False
    _prove(session, case, row, actor, at)
    return True


def _current_health_row(session: Session, case: Case, at: datetime) -> Transfer | None:
    query = (select(Transfer).where(Transfer.case_id == case.id,
                                    Transfer.kind == rules.HEALTH_CHECK,
                                    Transfer.period_start <= at)
             .order_by(Transfer.period.desc()).limit(1).with_for_update())
    return session.scalars(query).first()


def _prove(session: Session, case: Case, row: Transfer, actor: Actor, at: datetime) -> None:
    row.proof_at, row.proof_by = at, actor.id
    settings = _settings(session, case)
    _record(session, case, settings, row, "transfer_proof", at, actor.id)
    row.next_at = None
    _make_due(session, case, settings, row, at)


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
        _record(session, case, _settings(session, case), row, "transfer_paid", moment,
                actor.id)
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
        settings = _settings(session, case)
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
        calendar = calendar_of(case)
        period = rules.period_of(entry, calendar.local_date(moment))
        row = Transfer(case_id=case.id, household_id=case.household_id,
                       programme_key=case.programme_key, territory_id=case.territory_id,
                       kind=rules.ACHIEVEMENT, period=period, detail=detail,
                       period_start=moment, amount=amount, beneficiaries=1,
                       status=TRANSFER_SCHEDULED, created_at=moment)
        session.add(row)
        session.flush()
        _record(session, case, settings, row, "transfer_achievement", moment, actor.id,
                achievement=achievement, name=members[member].get("name"))
        _make_due(session, case, settings, row, moment)
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
    return calendar_of(case).local_date(start)


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


def cancel_pending(session: Session, case: Case, at: datetime) -> int:
    """A case that closes cancels the transfers still scheduled (its later months)."""
    query = select(Transfer).where(Transfer.case_id == case.id,
                                   Transfer.status == TRANSFER_SCHEDULED)
    rows = list(session.scalars(query))
    for row in rows:
        row.status, row.next_at = TRANSFER_CANCELLED, None
    if rows:
        audit.record(session, case.id, "transfers_cancelled", SYSTEM.id, at,
                     title="Transferencias programadas anuladas al cerrar el caso",
                     code="event.transfers_cancelled", params={"count": len(rows)})
    return len(rows)
