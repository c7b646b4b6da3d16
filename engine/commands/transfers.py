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
  (the Gestor Familiar's monthly report), or from the case file; proofs, achievements and
  payments are people's commands (engine.commands.transfer_actions).
- A case that closes cancels what was still scheduled.

Commands run inside the caller's unit of work and never commit.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from ..core import clock
from ..core.actors import SYSTEM
from ..definitions import versions
from ..persistence import audit
from ..persistence.models import (
    TRANSFER_CANCELLED,
    TRANSFER_DUE,
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
    settings = settings_of(session, case) if rows else None
    for row in rows:
        _settle(session, case, settings, row, moment)
    return len(rows)


def settings_of(session: Session, case: Case) -> ProgrammeSettings:
    """The settings ``case``'s process version reads."""
    definition_id = session.scalar(select(ProcessInstance.definition_id)
                                   .where(ProcessInstance.case_id == case.id))
    return versions.settings_for(session, case.programme, definition_id)


def _settle(session: Session, case: Case, settings: ProgrammeSettings, row: Transfer,
            moment: datetime) -> None:
    when, row.next_at = row.next_at, None
    if row.status != TRANSFER_SCHEDULED:
        return
    if row.kind != rules.HEALTH_CHECK or row.proof_at is not None:
        make_due(session, case, settings, row, when)
    elif row.proof_due is None or moment < row.proof_due:
        _remind(session, case, settings, row, when)
    else:
        _withhold(session, case, settings, row)


def make_due(session: Session, case: Case, settings, row: Transfer, at: datetime) -> None:
    """``row`` is due from ``at``: the Jefe/a may mark it paid."""
    row.status, row.due_at = TRANSFER_DUE, at
    record(session, case, settings, row, "transfer_due", at)


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


def record(session: Session, case: Case, settings, row: Transfer, kind: str, at: datetime,
           actor: str = SYSTEM.id, **extra) -> None:
    """Append what became of ``row`` to the case history (``event.<kind>``)."""
    params = _params(settings, row) | extra
    audit.record(session, case.id, kind, actor, at,
                 title=f"{params['transfer']} — mes {row.period}: ${row.amount}",
                 data={"transfer": row.id}, code=f"event.{kind}", params=params)


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
