"""Drives La Serena's Triple P families through time, the way their team would.

One clock for every family (time-machine moves it; nothing sleeps). Each morning the timer
sweep runs, as the background worker would; then people complete the tasks the test asks
for. After every action the stored workflow is restored and re-serialized, to prove the saved
state is whole. The machinery is :mod:`tests.integration.case_driver`'s.
"""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.commands import places
from engine.definitions.parsing import read_sources
from engine.persistence.models import Case, Enrolment, Event, HumanTask, Territory
from engine.programmes.settings import read_settings_file
from tests.conftest import ROOT
from tests.integration.case_driver import CaseSteps, Timeline
from tests.integration.familias_driver import SANTIAGO
from web.consents.steps import give_needed_consents
from web.demo_data_triple_p import (
    MEMBERS,
    cuestionarios_iniciales,
    inscripcion,
    revision,
    sesion_grupal,
)

FOLDER = ROOT / "processes" / "triple_p"
MONDAY = datetime(2026, 8, 3, 13, tzinfo=UTC)  # 09:00 in La Serena


def add_la_serena(session) -> tuple[engine.Actor, engine.Actor]:
    """The comuna of La Serena (Coquimbo region holidays); Lucía facilitates, Carmen heads."""
    territory = Territory(code="la_serena", name="La Serena", country="CL", region="CO",
                          timezone="America/Santiago")
    session.add(territory)
    session.commit()
    facilitator = engine.Actor("lucia", frozenset({"caseworker"}), frozenset({territory.id}))
    coordinator = engine.Actor("carmen", frozenset({"supervisor"}), frozenset({territory.id}))
    return facilitator, coordinator


def deploy_triple_p(session, forms, **places: int) -> engine.DeployResult:
    """Deploy Triple P, with La Serena's places per modality changed as given."""
    settings = read_settings_file(FOLDER)
    settings["cupos"]["la_serena"].update(places)
    with unit_of_work(session):
        return engine.deploy(session, read_sources(FOLDER), settings, forms, "marta")


class TriplePTeam(Timeline):
    """Lucía (facilitator) and Carmen (coordination) in La Serena, with the clock and sweep."""

    zone = SANTIAGO

    def __init__(self, session, forms, facilitator, coordinator, first_day: date):
        self.session, self.forms = session, forms
        self.facilitator, self.coordinator = facilitator, coordinator
        self.start_clock(first_day)

    def refer(self, family_name: str, members: list[dict] | None = None) -> "Family":
        """A family is referred to Triple P today (09:00): the caregiver and the child
        unless ``members`` says otherwise."""
        command = engine.StartCase("triple_p", "la_serena", self.facilitator.id, family_name,
                                   members=MEMBERS if members is None else members)
        with unit_of_work(self.session):
            return Family(self, engine.start_case(self.session, command, self.coordinator))


class Family(CaseSteps):
    """One family's Triple P case; the team's clock, session and people act on it."""

    zone = SANTIAGO

    def __init__(self, team: TriplePTeam, case: Case):
        self.team, self.case = team, case
        self.session, self.forms = team.session, team.forms
        self.caseworker, self.supervisor = team.facilitator, team.coordinator

    @property
    def today(self) -> date:
        return self.team.today

    def at(self, hour: int, minute: int = 0) -> datetime:
        """Move the team's clock to ``hour:minute`` today."""
        return self.team.at(hour, minute)

    def review_data(self) -> dict:
        """Carmen's review of this family's escalation."""
        return revision(self.today)

    def refreshed(self) -> Case:
        """The case as stored now."""
        return self.refreshed_case()

    def place(self) -> str | None:
        """The status of the family's latest enrolment (occupied, waiting, released…)."""
        query = (select(Enrolment.status).where(Enrolment.case_id == self.case.id)
                 .order_by(Enrolment.id.desc()).limit(1))
        return self.session.scalar(query)


class Office:
    """Lucía's desk without a moving clock: each action ten minutes after the last;
    refer families, enrol them, and see where they stand."""

    def __init__(self, session, forms, people, **places_: int):
        self.session, self.forms = session, forms
        self.facilitator, self.coordinator = people
        self.clock = MONDAY
        deploy_triple_p(session, forms, **places_)

    def tick(self) -> datetime:
        self.clock += timedelta(minutes=10)
        return self.clock

    def refer(self, *names: str, territory: str = "la_serena") -> list[int]:
        with unit_of_work(self.session):
            return [engine.start_case(self.session, engine.StartCase(
                "triple_p", territory, "lucia", name), self.coordinator, self.tick()).id
                for name in names]

    def task(self, case_id: int, bpmn_id: str, session=None) -> str | None:
        query = select(HumanTask.id).where(HumanTask.case_id == case_id,
                                           HumanTask.bpmn_id == bpmn_id)
        return (session or self.session).scalar(query)

    def complete(self, case_id: int, bpmn_id: str, data: dict, session=None,
                 at: datetime | None = None):
        task_id = self.task(case_id, bpmn_id, session)
        row = (session or self.session).get(HumanTask, task_id) if task_id else None
        if row is not None:  # the caregiver's signed consent, before the enrolment
            give_needed_consents(session or self.session, self.forms, row, data, at)
        with unit_of_work(session or self.session):
            return engine.complete(session or self.session, self.forms, task_id, data,
                                   self.facilitator, at or self.tick())

    def enrol(self, *case_ids: int, modality: str = "talleres") -> None:
        for case_id in case_ids:
            self.complete(case_id, "inscripcion", inscripcion(self.clock.date(), modality))

    def start_workshop(self, case_id: int) -> None:
        self.complete(case_id, "cuestionarios_iniciales",
                      cuestionarios_iniciales(self.clock.date()))

    def abandon(self, case_id: int, session=None, at=None):
        """The family leaves the workshop at its group session."""
        data = sesion_grupal(self.clock.date(), novedad="abandona")
        return self.complete(case_id, "sesion_grupal", data, session, at)

    def status(self, case_id: int) -> list[str]:
        self.session.expire_all()
        query = select(Enrolment.status).where(Enrolment.case_id == case_id)
        return list(self.session.scalars(query.order_by(Enrolment.id)))

    def tasks(self, case_id: int) -> list[str]:
        query = select(HumanTask.bpmn_id).where(HumanTask.case_id == case_id)
        return sorted(self.session.scalars(query))

    def waiting(self, modality: str = "talleres") -> list[int]:
        territory = next(iter(self.facilitator.territories))
        listed = places.waiting_list(self.session, "triple_p", territory, modality)
        assert [w.position for w in listed] == list(range(1, len(listed) + 1))
        return [w.case_id for w in listed]

    def granted(self, case_id: int) -> int:
        query = select(Event).where(Event.case_id == case_id, Event.kind == "place_assigned")
        return len(self.session.scalars(query).all())
