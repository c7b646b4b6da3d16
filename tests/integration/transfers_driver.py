"""A Programa Familias family with children under 6 and a recorded income, for the tests of
its money transfers (engine.commands.transfers), and the hand-computed figures they expect.

The household: Carla (34) and Pedro (36); Tomás, born 10 May 2022 (under 6 for all 24
months); Sofía, born 15 September 2020 (6 on 15 September 2026: under 6 in months 1–6 only).
Entry (the Carta de Compromiso) on Monday 30 March 2026, with an autonomous income of
$400.000: the Bono Base Familiar is 85% of (4 × $150.000 − $400.000) = $170.000 a month.
"""

from datetime import date

from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.persistence.models import Transfer
from tests.entry import sweep
from tests.integration.case_driver import DrivenCase, local_time
from tests.integration.familias_driver import FamiliaCase
from web.demo_data import contacto, ingreso

ALLOCATED = date(2026, 3, 2)
ENTRY = date(2026, 3, 30)
INCOME = 400_000
MEMBERS = [{"name": "Carla Rojas", "age": 34, "relationship": "head"},
           {"name": "Pedro Soto", "age": 36, "relationship": "partner"},
           {"name": "Tomás Soto Rojas", "birth_date": "2022-05-10", "relationship": "child"},
           {"name": "Sofía Soto Rojas", "birth_date": "2020-09-15", "relationship": "child"}]
PROTECTION_STEPS = [22_000, 16_800, 11_600, 6_400]  # settings.toml [transferencias.proteccion]
BASE = 170_000
PER_CHILD = 7_000


class TransferFamily(FamiliaCase):
    """The Soto Rojas family's case, with the clock, the sweep and the people around it."""

    def __init__(self, session, forms, caseworker, supervisor, members=None):
        DrivenCase.__init__(self, session, forms, caseworker, supervisor, ALLOCATED)
        self.open_case("antofagasta", caseworker.id, "Soto Rojas", members or MEMBERS,
                       supervisor)

    def enter(self, income: int | None = INCOME) -> None:
        """First contact on 10 March, the Carta signed on 30 March."""
        self.wait_until(date(2026, 3, 10))
        self.complete("primer_contacto", contacto(self.today))
        self.wait_until(ENTRY)
        data = ingreso(self.today)
        if income is not None:
            data["ingreso_autonomo_mensual"] = income
        self.complete("ingreso", data)

    def jump_to(self, day: date, then=None) -> None:
        """Sleep until 09:00 on ``day`` (nobody works meanwhile): one sweep catches up on
        everything due since; then ``then(self)``."""
        self.today = day
        self.clock.move_to(local_time(day, self.zone))
        sweep(self.session)
        if then:
            then(self)

    def transfers(self, kind: str | None = None) -> list[Transfer]:
        """The family's transfers (of ``kind``), in month order."""
        self.session.expire_all()
        query = select(Transfer).where(Transfer.case_id == self.case.id)
        if kind:
            query = query.where(Transfer.kind == kind)
        return list(self.session.scalars(query.order_by(Transfer.period, Transfer.id)))

    def prove(self, row: Transfer, by=None) -> Transfer:
        """The AFI records the month's Control Niño Sano proof from the case file."""
        with unit_of_work(self.session):
            return engine.record_transfer_proof(self.session, row.id, by or self.caseworker)

    def pay(self, row: Transfer, by=None) -> Transfer:
        """The Jefe/a de Unidad marks a transfer paid."""
        with unit_of_work(self.session):
            return engine.mark_transfer_paid(self.session, row.id, by or self.supervisor)
