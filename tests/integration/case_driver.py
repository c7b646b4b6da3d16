"""Drives cases through time the way their people would: the generic part of the drivers.

The clock is moved with time-machine (nothing sleeps). Each morning the timer sweep runs, as
the background worker would; then people complete the tasks the test asks for. After every
action the stored workflow is restored and re-serialized, to prove the saved state is whole.

:class:`Timeline` is the clock and the sweep, :class:`CaseSteps` what people do in one case
and what happened to it; :class:`DrivenCase` is both, for a test that follows one case.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.commands import store
from engine.persistence.models import Case, Event, HumanTask, ProcessInstance
from engine.runtime.serialization import dump_state
from tests.entry import sweep
from web.consents.steps import give_needed_consents


def local_time(day: date, zone: ZoneInfo, hour: int = 9) -> datetime:
    """``hour`` o'clock on ``day`` in ``zone``."""
    return datetime.combine(day, time(hour), zone)


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The day ``moment`` falls on in ``zone``."""
    return moment.astimezone(zone).date()


class Timeline:
    """A frozen clock in ``zone`` (set by the subclass) that lives day by day."""

    zone: ZoneInfo

    def start_clock(self, first_day: date) -> None:
        """Stop time at 09:00 on ``first_day``."""
        self.today = first_day
        self.traveller = time_machine.travel(local_time(first_day, self.zone), tick=False)
        self.clock = self.traveller.start()

    def close(self) -> None:
        """Give the clock back (once)."""
        if self.traveller is not None:
            self.traveller.stop()
            self.traveller = None

    def wait_until(self, day: date, each_morning=None) -> None:
        """Live day by day until ``day`` (inclusive): sweep at 09:00, then ``each_morning``."""
        while self.today < day:
            self.today += timedelta(days=1)
            self.clock.move_to(local_time(self.today, self.zone))
            sweep(self.session)
            if each_morning:
                each_morning(self)

    def at(self, hour: int, minute: int = 0) -> datetime:
        """Move the clock to ``hour:minute`` today (local time); return that moment."""
        moment = local_time(self.today, self.zone, hour) + timedelta(minutes=minute)
        self.clock.move_to(moment)
        return moment


class CaseSteps:
    """What people do in ``self.case`` and what happened to it.

    Needs ``session``, ``forms``, ``case``, ``today``, ``zone``, ``caseworker``,
    ``supervisor`` and ``at`` (see :class:`Timeline`). Subclasses say how an escalation is
    reviewed (``review_prefix``, :meth:`review_data`) and may change who acts
    (:meth:`actor`) and whether :meth:`bpmn_ids` is sorted.
    """

    sorted_ids = False
    review_prefix = "revisar_atraso_"

    # -- people -------------------------------------------------------------------------
    def open_tasks(self) -> list[HumanTask]:
        query = select(HumanTask).where(HumanTask.case_id == self.case.id)
        return list(self.session.scalars(query.order_by(HumanTask.created_at)))

    def task(self, bpmn_id: str) -> HumanTask | None:
        return next((t for t in self.open_tasks() if t.bpmn_id == bpmn_id), None)

    def bpmn_ids(self) -> list[str]:
        ids = [t.bpmn_id for t in self.open_tasks()]
        return sorted(ids) if self.sorted_ids else ids

    def actor(self, row: HumanTask, by=None) -> engine.Actor:
        """Who does step ``row``: ``by`` if given, else the caseworker or the supervisor."""
        return by or (self.caseworker if row.role == "caseworker" else self.supervisor)

    def complete(self, bpmn_id: str, data: dict, hour: int | tuple = 11, by=None):
        """At ``hour`` (or ``(hour, minute)``) today, :meth:`actor` completes the step."""
        row = self.task(bpmn_id)
        assert row is not None, f"{bpmn_id} is not open; open: {self.bpmn_ids()}"
        actor = self.actor(row, by)
        self.at(*(hour if isinstance(hour, tuple) else (hour,)))
        if row.assignee is None:
            with unit_of_work(self.session):
                engine.claim(self.session, row.id, actor)
        give_needed_consents(self.session, self.forms, row, data)  # a consent step's form
        with unit_of_work(self.session):
            done = engine.complete(self.session, self.forms, row.id, data, actor)
        self.check_round_trip()
        return done

    def review_data(self) -> dict:
        """What is entered when an escalation is reviewed."""
        raise NotImplementedError

    def review_overdue_steps(self) -> None:
        """The supervisor deals with every escalation on the morning it arrives."""
        for row in self.open_tasks():
            if row.bpmn_id.startswith(self.review_prefix):
                self.complete(row.bpmn_id, self.review_data(), hour=10)

    # -- what happened ------------------------------------------------------------------
    def events(self, *kinds: str) -> list[Event]:
        query = select(Event).where(Event.case_id == self.case.id).order_by(Event.id)
        return [e for e in self.session.scalars(query) if not kinds or e.kind in kinds]

    def alarms(self) -> list[tuple[str, str, date]]:
        """Every reminder and escalation as (kind, deadline, local day it fired)."""
        return [(e.kind, e.data["deadline"], local_date(e.at, self.zone))
                for e in self.events("reminder", "escalation")]

    def submitted(self, bpmn_id: str) -> list[dict]:
        """What was entered at each completion of step ``bpmn_id``."""
        return [e.data["submitted"] for e in self.events("task_completed")
                if e.bpmn_id == bpmn_id]

    def data(self) -> dict:
        return engine.show_case(self.session, self.case.id, self.supervisor).data

    def refreshed_case(self) -> Case:
        self.session.expire_all()
        return self.session.get(Case, self.case.id)

    def instance(self) -> ProcessInstance:
        return self.session.scalars(
            select(ProcessInstance).where(ProcessInstance.case_id == self.case.id)).one()

    def check_round_trip(self) -> None:
        """The saved state restores into a workflow that serializes back identically."""
        instance = self.instance()
        if instance.status != "running":
            return
        loaded = store.load(self.session, instance.id, lock=False)
        assert dump_state(loaded.workflow) == instance.state
        self.session.rollback()


class DrivenCase(Timeline, CaseSteps):
    """One case of ``programme`` (set by the subclass), with its clock and its people."""

    programme: str

    def __init__(self, session, forms, caseworker, supervisor, first_day: date):
        self.session, self.forms = session, forms
        self.caseworker, self.supervisor = caseworker, supervisor
        self.start_clock(first_day)

    @classmethod
    def resume(cls, session, forms, case_id: int, today: date, **people):
        """The driver of case ``case_id``, lived until ``today`` elsewhere (in a seed's
        build, say), its clock stopped at 09:00 that day; ``people`` as the subclass keeps
        them (``caseworker`` and ``supervisor`` here)."""
        driven = cls.__new__(cls)
        DrivenCase.__init__(driven, session, forms, people.pop("caseworker", None),
                            people.pop("supervisor", None), today)
        for name, value in people.items():
            setattr(driven, name, value)
        driven.case = session.get(Case, case_id)
        return driven

    def open_case(self, territory: str, holder: str, name: str, members: list[dict],
                  by: engine.Actor, named: dict | None = None,
                  municipality: str | None = None) -> Case:
        """``by`` starts the case (held by ``holder``, with the people ``named`` to its
        posts, in ``municipality`` of the territory) at the current moment."""
        command = engine.StartCase(self.programme, territory, holder, name, members=members,
                                   people=named or {}, municipality=municipality)
        with unit_of_work(self.session):
            self.case = engine.start_case(self.session, command, by)
        return self.case
