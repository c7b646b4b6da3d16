"""Drives one Programa Familias case through time the way its people would.

The clock is moved with time-machine (nothing sleeps). Each morning the timer sweep runs, as
the background worker would; then people complete the tasks the test asks for. After every
action the stored workflow is restored and re-serialized, to prove the saved state is whole.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

import engine
from engine import store
from engine.models import Case, Event, HumanTask, ProcessInstance
from engine.serialization import dump_state

SANTIAGO = ZoneInfo("America/Santiago")


def local(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), SANTIAGO)


def local_day(moment: datetime) -> date:
    return moment.astimezone(SANTIAGO).date()


class FamiliaCase:
    """One family's case, with the clock, the sweep and the people around it."""

    def __init__(self, session, forms, caseworker, supervisor, allocated: date):
        self.session, self.forms = session, forms
        self.caseworker, self.supervisor = caseworker, supervisor
        self.today = allocated
        self.traveller = time_machine.travel(local(allocated), tick=False)
        self.clock = self.traveller.start()
        command = engine.StartCase("familias", "antofagasta", caseworker.id, "Rojas Pérez",
                                   members=[{"nombre": "Carla Rojas", "edad": 34}])
        self.case = engine.start_case(session, command, supervisor)

    def close(self) -> None:
        self.traveller.stop()

    # -- time ---------------------------------------------------------------------------
    def wait_until(self, day: date, each_morning=None) -> None:
        """Live day by day until ``day`` (inclusive): sweep at 09:00, then ``each_morning``."""
        while self.today < day:
            self.today += timedelta(days=1)
            self.clock.move_to(local(self.today))
            engine.fire_due_timers(self.session)
            if each_morning:
                each_morning(self)

    # -- people -------------------------------------------------------------------------
    def open_tasks(self) -> list[HumanTask]:
        query = select(HumanTask).where(HumanTask.case_id == self.case.id)
        return list(self.session.scalars(query.order_by(HumanTask.created_at)))

    def task(self, bpmn_id: str) -> HumanTask | None:
        return next((t for t in self.open_tasks() if t.bpmn_id == bpmn_id), None)

    def complete(self, bpmn_id: str, data: dict, hour: int = 11) -> HumanTask:
        row = self.task(bpmn_id)
        assert row is not None, f"{bpmn_id} is not open; open: {self.bpmn_ids()}"
        actor = self.caseworker if row.role == "caseworker" else self.supervisor
        self.clock.move_to(local(self.today, hour))
        if row.assignee is None:
            engine.claim(self.session, row.id, actor)
        done = engine.complete(self.session, self.forms, row.id, data, actor)
        self.check_round_trip()
        return done

    def bpmn_ids(self) -> list[str]:
        return [t.bpmn_id for t in self.open_tasks()]

    def review_overdue_steps(self) -> None:
        """The Jefe/a deals with every escalation on the morning it arrives."""
        for row in self.open_tasks():
            if row.bpmn_id.startswith("revisar_atraso_"):
                self.complete(row.bpmn_id, {"accion": "contactar_afi"}, hour=10)

    # -- what happened ------------------------------------------------------------------
    def events(self, *kinds: str) -> list[Event]:
        query = select(Event).where(Event.case_id == self.case.id).order_by(Event.id)
        return [e for e in self.session.scalars(query) if not kinds or e.kind in kinds]

    def alarms(self) -> list[tuple[str, str, date]]:
        """Every reminder and escalation as (kind, deadline, local day it fired)."""
        return [(e.kind, e.data["deadline"], local_day(e.at))
                for e in self.events("reminder", "escalation")]

    def data(self) -> dict:
        return engine.show_case(self.session, self.case.id, self.supervisor).data

    def refreshed_case(self) -> Case:
        self.session.expire_all()
        return self.session.get(Case, self.case.id)

    def check_round_trip(self) -> None:
        """The saved state restores into a workflow that serializes back identically."""
        instance = self.session.scalars(
            select(ProcessInstance).where(ProcessInstance.case_id == self.case.id)).one()
        if instance.status != "running":
            return
        loaded = store.load(self.session, instance.id, lock=False)
        assert dump_state(loaded.workflow) == instance.state
        self.session.rollback()
