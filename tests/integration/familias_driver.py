"""Drives one Programa Familias case through time the way its people would.

The clock is moved with time-machine (nothing sleeps). Each morning the timer sweep runs, as
the background worker would; then people complete the tasks the test asks for. After every
action the stored workflow is restored and re-serialized, to prove the saved state is whole.
The machinery is :mod:`tests.integration.case_driver`'s.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import engine
from engine import unit_of_work
from tests.integration.case_driver import CaseSteps, DrivenCase, local_date, local_time

SANTIAGO = ZoneInfo("America/Santiago")


def local(day: date, hour: int = 9) -> datetime:
    """``hour`` o'clock on ``day`` in Chile."""
    return local_time(day, SANTIAGO, hour)


def local_day(moment: datetime) -> date:
    """The Chilean day ``moment`` falls on."""
    return local_date(moment, SANTIAGO)


class FamiliaCase(DrivenCase):
    """One family's case, with the clock, the sweep and the people around it."""

    programme, zone = "familias", SANTIAGO

    def __init__(self, session, forms, caseworker, supervisor, allocated: date,
                 family: str = "Rojas Pérez", territory: str = "antofagasta"):
        super().__init__(session, forms, caseworker, supervisor, allocated)
        self.open_case(territory, caseworker.id, family,
                       [{"name": "Carla Rojas", "age": 34}], supervisor)

    def review_data(self) -> dict:
        """The Jefe/a contacts the AFI about the overdue step."""
        return {"accion": "contactar_afi"}


class LaterFamily(CaseSteps):
    """A second family's case, living on the first family's clock."""

    def __init__(self, first: "FamiliaCase", family: str):
        self.first, self.zone = first, first.zone
        self.session, self.forms = first.session, first.forms
        self.caseworker, self.supervisor = first.caseworker, first.supervisor
        command = engine.StartCase("familias", "antofagasta", self.caseworker.id, family,
                                   members=[{"name": "Luis Díaz", "age": 40}])
        with unit_of_work(self.session):
            self.case = engine.start_case(self.session, command, self.supervisor)

    @property
    def today(self) -> date:
        return self.first.today

    def at(self, hour: int, minute: int = 0):
        return self.first.at(hour, minute)

    def review_data(self) -> dict:
        return {"accion": "contactar_afi"}
