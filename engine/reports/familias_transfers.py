"""Programa Familias: the money transfers of the report's families (engine.commands.transfers).

Counted per kind and status in one query: *pagadas* (marked paid by the Jefe/a), *por pagar*
(their month has begun, not paid yet) and *retenidas* (a conditional transfer without its
proof); transfers still scheduled for a later month, or cancelled when a case closed, are not
counted. Amounts are whole pesos.
"""

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..persistence.models import (
    TRANSFER_DUE,
    TRANSFER_PAID,
    TRANSFER_WITHHELD,
    Case,
    Transfer,
)
from ..programmes.transfers import ACHIEVEMENT, BASE, HEALTH_CHECK, PROTECTION
from .base import Breakdown, Figure, counted

KINDS = {PROTECTION: "Bono de Protección", BASE: "Bono Base Familiar",
         HEALTH_CHECK: "Bono Control Niño Sano", ACHIEVEMENT: "Transferencias por logros"}
COUNTED = (TRANSFER_DUE, TRANSFER_PAID, TRANSFER_WITHHELD)
COLUMNS = ["transferencias_pagadas", "monto_pagado", "transferencias_por_pagar",
           "monto_por_pagar", "transferencias_retenidas"]
Totals = dict[tuple[str, str], list[int]]  # (kind, status) → [count, amount]


def totals_by_case(session: Session, case_ids: list[int]) -> dict[int, Totals]:
    """Each case's transfers, counted and summed by kind and status (one query)."""
    found: dict[int, Totals] = defaultdict(dict)
    if not case_ids:
        return found
    query = (select(Transfer.case_id, Transfer.kind, Transfer.status, func.count(),
                    func.sum(Transfer.amount))
             .where(Transfer.case_id.in_(case_ids), Transfer.status.in_(COUNTED))
             .group_by(Transfer.case_id, Transfer.kind, Transfer.status))
    for case_id, kind, status, count, amount in session.execute(query):
        found[case_id][(kind, status)] = [count, int(amount or 0)]
    return found


def _sum(totals: Iterable[Totals], status: str, kind: str | None = None) -> tuple[int, int]:
    count = amount = 0
    for by_kind in totals:
        for (k, s), (n, a) in by_kind.items():
            if s == status and kind in (None, k):
                count, amount = count + n, amount + a
    return count, amount


def pesos(amount: int) -> str:
    """``$340.800``: an amount as Chile writes it."""
    return "$" + f"{amount:,}".replace(",", ".")


def figures(cases: list[Case], totals: dict[int, Totals]) -> list[Figure]:
    """The headline figures of the families' transfers."""
    chosen = [totals.get(c.id, {}) for c in cases]
    paid, paid_amount = _sum(chosen, TRANSFER_PAID)
    due, due_amount = _sum(chosen, TRANSFER_DUE)
    withheld, withheld_amount = _sum(chosen, TRANSFER_WITHHELD)
    owed = sum(1 for t in chosen if _sum([t], TRANSFER_DUE)[0])
    return [
        Figure("transferencias_pagadas", "Transferencias pagadas", paid,
               f"{pesos(paid_amount)} pagados de {pesos(paid_amount + due_amount)} "
               "devengados"),
        Figure("transferencias_por_pagar", "Transferencias por pagar", due,
               f"{pesos(due_amount)} a {counted(owed, 'familia', 'familias')}"),
        Figure("transferencias_retenidas", "Transferencias retenidas", withheld,
               f"{pesos(withheld_amount)} sin acreditación del Control Niño Sano"),
    ]


def by_kind(cases: list[Case], totals: dict[int, Totals]) -> Breakdown:
    """Per kind of transfer: due, paid and withheld, and the amount paid."""
    chosen = [totals.get(c.id, {}) for c in cases]
    rows = []
    for kind in KINDS:
        rows.append((KINDS[kind], _sum(chosen, TRANSFER_DUE, kind)[0],
                     _sum(chosen, TRANSFER_PAID, kind)[0],
                     _sum(chosen, TRANSFER_WITHHELD, kind)[0],
                     _sum(chosen, TRANSFER_PAID, kind)[1]))
    return Breakdown("transferencias", "Transferencias por tipo",
                     ("Tipo", "Por pagar", "Pagadas", "Retenidas", "Monto pagado"),
                     tuple(rows))


def csv_columns(totals: Totals) -> dict:
    """One case's transfer columns of the CSV."""
    paid, paid_amount = _sum([totals], TRANSFER_PAID)
    due, due_amount = _sum([totals], TRANSFER_DUE)
    return {"transferencias_pagadas": paid, "monto_pagado": paid_amount,
            "transferencias_por_pagar": due, "monto_por_pagar": due_amount,
            "transferencias_retenidas": _sum([totals], TRANSFER_WITHHELD)[0]}
