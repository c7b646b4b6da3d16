"""A family's money transfers as the case file shows them (engine.commands.transfers keeps
them): every month's transfers with their status, the totals, and what the reader may do."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import policy
from ..commands.cases import visible_case
from ..core import clock
from ..core.actors import Actor
from ..definitions import catalog
from ..persistence.models import TRANSFER_DUE, TRANSFER_SCHEDULED, Case, Transfer
from ..programmes import transfers as rules

STATUSES = ("scheduled", "due", "paid", "withheld", "cancelled")


@dataclass
class FamilyTransfers:
    """The transfers of one case, in month order, with their names and totals."""

    case: Case
    rows: list[Transfer]
    titles: dict[str, str]
    achievements: dict[str, int]  # what each achievement pays (none: none configured)
    may_pay: bool = False
    may_record: bool = False
    now: datetime | None = None
    totals: dict[str, dict[str, int]] = field(default_factory=dict)  # status → count, amount

    @property
    def begun(self) -> list[Transfer]:
        """The transfers of the months begun (whatever became of them)."""
        return [r for r in self.rows if not self._later(r)]

    @property
    def later(self) -> list[Transfer]:
        """The transfers scheduled for months still to come."""
        return [r for r in self.rows if self._later(r)]

    def _later(self, row: Transfer) -> bool:
        return (row.status == TRANSFER_SCHEDULED and self.now is not None
                and row.period_start > self.now)

    def payable(self, row: Transfer) -> bool:
        """Whether the reader may mark ``row`` paid now."""
        return self.may_pay and row.status == TRANSFER_DUE

    def provable(self, row: Transfer) -> bool:
        """Whether the reader may record ``row``'s Control Niño Sano proof now."""
        return (self.may_record and row.kind == rules.HEALTH_CHECK
                and row.status == TRANSFER_SCHEDULED and row.proof_at is None
                and self.now is not None and row.period_start <= self.now)


def family_transfers(session: Session, case_id: int, actor: Actor) -> FamilyTransfers:
    """The transfers of case ``case_id`` for ``actor`` (:class:`NotFound` unless they may
    see the case)."""
    case = visible_case(session, case_id, actor)
    rows = sorted(session.scalars(select(Transfer).where(Transfer.case_id == case.id)),
                  key=lambda r: (r.period, rules.KINDS.index(r.kind), r.id))
    values = _settings_values(case)
    found = FamilyTransfers(
        case, rows, {kind: rules.title(values, kind) for kind in rules.KINDS},
        {a: rules.achievement_amount(values, a) for a in rules.ACHIEVEMENTS
         if rules.achievement_amount(values, a)},
        may_pay=policy.may(session, actor, policy.PAY_TRANSFER, case),
        may_record=policy.may(session, actor, policy.RECORD_TRANSFER, case), now=clock.now())
    for status in STATUSES:
        chosen = [r for r in rows if r.status == status]
        found.totals[status] = {"count": len(chosen), "amount": sum(r.amount for r in chosen)}
    return found


def _settings_values(case: Case) -> dict:
    return catalog.settings_of(case.programme).values


def title_of(case: Case, kind: str) -> str:
    """What ``case``'s programme calls a kind of transfer (its settings' ``titulo``)."""
    return rules.title(_settings_values(case), kind)


def has_transfers(session: Session, case: Case) -> bool:
    """Whether ``case``'s programme pays transfers (its settings have ``[transferencias]``)."""
    return bool(rules.table(catalog.settings_of(case.programme).values))


@dataclass(frozen=True)
class DueTransfer:
    """A transfer waiting to be paid, with its family, for the Jefe/a's list."""

    transfer: Transfer
    case: Case
    payable: bool


def due_transfers(session: Session, actor: Actor, limit: int = 500) -> list[DueTransfer]:
    """Every transfer due in the territories ``actor`` supervises, the longest waiting first
    (supervisors, managers and administrators: ``supervise``)."""
    query = (select(Transfer, Case).join(Case, Case.id == Transfer.case_id)
             .where(Transfer.status == TRANSFER_DUE)
             .order_by(Transfer.due_at, Transfer.id).limit(limit))
    query = policy.visible(actor, query, Transfer.territory_id, action=policy.SUPERVISE)
    return [DueTransfer(row, case, policy.may(session, actor, policy.PAY_TRANSFER, case))
            for row, case in session.execute(query)]
