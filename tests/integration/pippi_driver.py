"""Drives one P.I.P.P.I. family through time the way its équipe and referente would.

The clock is moved with time-machine (nothing sleeps). Each morning the timer sweep runs, as
the background worker would; then people do what the test's habits say. After every action
the stored workflow is restored and re-serialized, to prove the saved state is whole. The
machinery is :mod:`tests.integration.case_driver`'s.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import engine
from engine import unit_of_work
from tests.integration.case_driver import DrivenCase, local_date, local_time
from web import demo_data_pippi as forms_data
from web.consents.steps import give_needed_consents

ROME = ZoneInfo("Europe/Rome")


def local(day: date, hour: int = 9) -> datetime:
    """``hour`` o'clock on ``day`` in Italy."""
    return local_time(day, ROME, hour)


def local_day(moment: datetime) -> date:
    """The Italian day ``moment`` falls on."""
    return local_date(moment, ROME)


class PippiCase(DrivenCase):
    """One family's case in the Ambito di Somma Lombardo, with the clock and the sweep."""

    programme, zone = "pippi", ROME
    sorted_ids, review_prefix = True, "revisione_"

    def __init__(self, session, forms, caseworker, supervisor, referred: date,
                 family: str = "Colombo", comune: str | None = None):
        super().__init__(session, forms, caseworker, supervisor, referred)
        self.open_case("somma_lombardo", caseworker.id, family,
                       [{"name": "Maria Colombo", "age": 31, "relationship": "head"},
                        {"name": "Luca Colombo", "age": 7, "relationship": "child"}], caseworker,
                       named={"referente": supervisor.id},  # urgent steps go to the referente
                       municipality=comune)  # its calendar (None: the Ambito's)

    def review_data(self) -> dict:
        """The referente's review of an escalation."""
        return forms_data.revisione(self.today)

    def complete_row(self, row, data: dict, hour: int = 11):
        """Complete one open step by its row (one of several open steps of one id, such as
        the outcome of each action of the Progetto Quadro)."""
        actor = self.actor(row)
        self.at(hour)
        if row.assignee is None:
            with unit_of_work(self.session):
                engine.claim(self.session, row.id, actor)
        give_needed_consents(self.session, self.forms, row, data)  # the signed consent form
        with unit_of_work(self.session):
            done = engine.complete(self.session, self.forms, row.id, data, actor)
        self.check_round_trip()
        return done

    def outcome_steps(self) -> list:
        """The open outcome steps of the Progetto Quadro's actions, by their due date."""
        rows = [t for t in self.open_tasks() if t.bpmn_id == "esito_azione"]
        return sorted(rows, key=lambda t: (t.due_at, t.title))


@dataclass
class Habits:
    """What the équipe does each morning during the intervention.

    Dispositivi start on their dates; each open diary gets an entry every ``diary_days``
    (the entry on or after a dispositivo's ``concluded`` date closes it); the équipe meets
    ``meeting_days`` after the last meeting (``late_meeting``, counted from 1, waits
    ``late_days``); T1 and T2 are recorded on their dates; each action's outcome of the
    Progetto Quadro is recorded ``outcome_days`` before its reminder day (None: never). The
    referente reviews every escalation the morning it arrives.
    """

    starts: dict[str, date] = field(default_factory=dict)
    concluded: dict[str, date] = field(default_factory=dict)
    t1: date | None = None
    t2: date | None = None
    diary_days: int = 30
    meeting_days: int = 45
    late_meeting: int = 0
    late_days: int = 65
    outcome_days: int | None = 1
    meetings: list[date] = field(default_factory=list)

    def __call__(self, f: PippiCase) -> None:
        open_now = {row.bpmn_id: row for row in f.open_tasks()}  # one look per morning
        if any(step.startswith("revisione_") for step in open_now):
            f.review_overdue_steps()
        for key, day in self.starts.items():
            if f.today >= day and f"avvio_{key}" in open_now:
                f.complete(f"avvio_{key}", forms_data.avvio(f.today))
        for key in forms_data.DISPOSITIVI:
            self._diary(f, open_now.get(f"registro_{key}"), key)
        self._meeting(f, open_now.get("incontro_em"))
        self._outcomes(f)
        for step, day, build in (("assessment_t1", self.t1, forms_data.assessment_t1),
                                 ("assessment_t2", self.t2, forms_data.assessment_t2)):
            if day and f.today >= day and step in open_now:
                f.complete(step, build(f.today))

    def _diary(self, f: PippiCase, diary, key: str) -> None:
        if diary is None or (f.today - local_day(diary.created_at)).days < self.diary_days:
            return
        ends = self.concluded.get(key)
        f.complete(diary.bpmn_id, forms_data.registro(
            f.today, "concluso" if ends and f.today >= ends else "prosegue"))

    def _outcomes(self, f: PippiCase) -> None:
        if self.outcome_days is None:
            return
        for row in f.outcome_steps():
            if f.today >= local_day(row.remind_at) - timedelta(days=self.outcome_days):
                f.complete_row(row, forms_data.esito_azione(f.today))

    def _meeting(self, f: PippiCase, meeting) -> None:
        late = len(self.meetings) + 1 == self.late_meeting
        wait = self.late_days if late else self.meeting_days
        if meeting and (f.today - local_day(meeting.created_at)).days >= wait:
            f.complete("incontro_em", forms_data.incontro_em(f.today))
            self.meetings.append(f.today)
