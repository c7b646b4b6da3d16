"""P.I.P.P.I.: families closed with a positive outcome (A) against the Ambito's goal, the
completeness of the T0/T1/T2 assessments, the change on the three sides of Il Mondo del
Bambino between T0 and T2, closures by outcome A/B/C, and the children kept out of
residential placement.

Everything is read from each case's audit trail (the data submitted at ``consenso``,
``assessment_t0/t1/t2``, ``progetto_quadro`` and ``valutazione_sicurezza``; the latest
submission counts) and its outcome. A family is *taken in charge* once its parents consented;
it is *closed* with outcome A, B or C (``esito_a``/``esito_b``/``esito_c``). An assessment is
*due* for a family once its deadline (the programme's settings, counted from the consent
date) has passed by the day the case closed, or by today while it is open: completeness is
the share of the families with the assessment recorded among those it is due for or that
recorded it. A closed family's child *stayed in the family* when the latest answer to
``bambino_in_famiglia`` (at T2, the closing proposal or a safety assessment, whichever came
last) says so.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from statistics import mean

from sqlalchemy.orm import Session

from ..commands.store import case_calendar
from ..core import clock
from ..definitions import catalog, manifest
from ..persistence.models import Case, Event, Programme
from ..programmes.calendars import TerritoryCalendar
from ..programmes.deadlines import compute
from ..programmes.settings import ProgrammeSettings
from . import marks, register
from .base import Figure, Report, completions, members, programme_cases, share, submitted

STEPS = manifest.steps("pippi")  # the steps read, by the names of the manifest
TITLE = "P.I.P.P.I. — esiti della presa in carico"
MILESTONES = ("t0", "t1", "t2")
SIDES = {"crescere": "Il mio crescere",
         "risposte_genitoriali": "Di che cosa ho bisogno da chi si prende cura di me",
         "ambiente": "Il mio ambiente di vita"}
OUTCOMES = {"esito_a": "A — esito positivo", "esito_b": "B — prosegue con altri sostegni",
            "esito_c": "C — misura di protezione"}
IN_FAMILY = "bambino_in_famiglia"
PLACEMENT_STEPS = {STEPS[k] for k in ("t2", "closing", "safety", "safety_act")}
DEFAULT_GOAL = 50  # % of closed families with outcome A, when the settings do not say
COLUMNS = ["caso", "famiglia", "territorio", "operatore", "stato", "esito", "percorso",
           "data_consenso", "dispositivi", "bambino_in_famiglia", "data_t0", "data_t1", "data_t2",
           *[f"{side}_{m}" for side in SIDES for m in ("t0", "t2")], "componenti"]


@dataclass(frozen=True)
class Family:
    """What one family's case says about the outcomes (None/empty: not known yet)."""

    case: Case
    consent: date | None
    as_of: date
    due: dict[str, date] = field(default_factory=dict)
    recorded: dict[str, date] = field(default_factory=dict)
    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    dispositivi: tuple[str, ...] = ()
    safety_stop: bool = False
    in_family: bool | None = None  # the latest "il bambino vive con la sua famiglia"

    def owes(self, milestone: str) -> bool:
        """Whether the assessment is recorded or its deadline has passed."""
        due = self.due.get(milestone)
        return milestone in self.recorded or (due is not None and self.as_of > due)

    def change(self, side: str) -> float | None:
        """T2 minus T0 on one side of Il Mondo del Bambino (None without both)."""
        if "t0" not in self.scores or "t2" not in self.scores:
            return None
        return self.scores["t2"][side] - self.scores["t0"][side]


def side_means(mondo: dict) -> dict[str, float]:
    """The mean score of each side of one Il Mondo del Bambino assessment."""
    return {side: float(mean(mondo[side].values())) for side in SIDES}


def read_family(case: Case, events: list[Event], settings: ProgrammeSettings | None) -> Family:
    """The outcome facts of one case from its ``task_completed`` events."""
    calendar = case_calendar(case, settings)
    as_of = calendar.local_date(case.closed_at or clock.now())
    consents = [c for c in submitted(events, STEPS["consent"]) if c.get("consenso_dato")]
    if not consents:
        return Family(case, None, as_of)
    consent = date.fromisoformat(consents[-1]["data_consenso"])
    recorded, scores = _assessments(events)
    plans = submitted(events, STEPS["framework_project"])
    return Family(case, consent, as_of, _due_dates(settings, consent, calendar), recorded,
                  scores, tuple(plans[-1]["dispositivi"]) if plans else (),
                  bool(submitted(events, STEPS["safety"])), _in_family(events))


def _in_family(events: list[Event]) -> bool | None:
    """The latest answer to "the child lives with the family" (None: never answered)."""
    answers = [e.data.get("submitted", {}).get(IN_FAMILY) for e in events
               if e.bpmn_id in PLACEMENT_STEPS]
    known = [a for a in answers if isinstance(a, bool)]
    return known[-1] if known else None


def _assessments(events: list[Event]) -> tuple[dict[str, date], dict[str, dict[str, float]]]:
    """The date and the side means of each assessment recorded (the latest of each)."""
    recorded, scores = {}, {}
    for m in MILESTONES:
        found = submitted(events, STEPS[m])
        if found:
            recorded[m] = date.fromisoformat(found[-1][f"data_{m}"])
            scores[m] = side_means(found[-1][f"mondo_{m}"])
    return recorded, scores


def _due_dates(settings: ProgrammeSettings | None, consent: date,
               calendar: TerritoryCalendar) -> dict[str, date]:
    """Each assessment's due day for a family that consented on ``consent`` (a deadline a
    manager made count from another field is left out: its day is not known here)."""
    rules = settings.deadlines if settings else {}
    due = {}
    for m in MILESTONES:
        rule = rules.get(f"assessment_{m}")
        if rule is not None and rule.anchor == "data_consenso":
            due[m] = compute(rule, {"data_consenso": consent.isoformat()}, calendar,
                             clock.now()).due
    return due


def _goal(programme: Programme | None) -> float:
    """The Ambito's goal: the share of closed families with outcome A (settings, obiettivi)."""
    goals = programme.settings.get("obiettivi", {}) if programme else {}
    return goals.get("esito_positivo_percentuale", DEFAULT_GOAL)


@register("pippi")
def build(session: Session, territory_ids: Iterable[int]) -> Report:
    """The P.I.P.P.I. outcome report over ``territory_ids`` (three queries)."""
    programme = session.get(Programme, "pippi")
    settings = catalog.settings_of(programme) if programme else None
    cases = programme_cases(session, "pippi", territory_ids)
    events = completions(session, [c.id for c in cases])
    families = [read_family(case, events[case.id], settings) for case in cases]
    report = Report("pippi", TITLE, figures=figures(families, _goal(programme)),
                    columns=COLUMNS, rows=[csv_row(f) for f in families])
    return marks.marked(session, report, cases, {
        f"variazione_{side}": [f.case for f in families if f.change(side) is not None]
        for side in SIDES})


def figures(families: list[Family], goal: float) -> list[Figure]:
    """The headline figures."""
    return (_outcome_figures(families, goal) + [_placement_figure(families)]
            + _completeness_figures(families) + _change_figures(families))


def _outcome_figures(families: list[Family], goal: float) -> list[Figure]:
    taken = sum(1 for f in families if f.consent)
    by_outcome = {k: sum(1 for f in families if f.case.outcome == k) for k in OUTCOMES}
    closed, positive = sum(by_outcome.values()), by_outcome["esito_a"]
    rate = share(positive, closed)
    verdict = "" if rate is None else (" — obiettivo raggiunto" if rate >= goal
                                       else " — sotto l'obiettivo")
    return [
        Figure("prese_in_carico", "Famiglie prese in carico (consenso firmato)", taken),
        Figure("esito_positivo", "Famiglie chiuse con esito positivo (A)", rate,
               f"{positive} su {families_word(closed, 'chiusa', 'chiuse')}; obiettivo "
               f"dell'Ambito: almeno il {goal}%{verdict}", "%"),
        Figure("obiettivo_esito_positivo", "Obiettivo: famiglie con esito positivo",
               float(goal), "dalle impostazioni del programma (obiettivi)", "%"),
        *[Figure(key, f"Chiuse con esito {label}", by_outcome[key],
                 f"su {families_word(closed, 'chiusa', 'chiuse')}")
          for key, label in OUTCOMES.items()],
    ]


def _placement_figure(families: list[Family]) -> Figure:
    """Closed families whose child stayed in the family, of those closed with the answer."""
    answered = [f for f in families if f.case.outcome in OUTCOMES and f.in_family is not None]
    kept = sum(1 for f in answered if f.in_family)
    return Figure("bambini_in_famiglia", "Bambini rimasti in famiglia (nessun collocamento)",
                  share(kept, len(answered)),
                  f"{kept} su {families_word(len(answered), 'chiusa', 'chiuse')} con il dato "
                  "registrato", "%")


def _completeness_figures(families: list[Family]) -> list[Figure]:
    out = []
    for m in MILESTONES:
        owed = [f for f in families if f.consent and f.owes(m)]
        done = sum(1 for f in owed if m in f.recorded)
        out.append(Figure(f"completezza_{m}", f"Assessment {m.upper()} registrati",
                          share(done, len(owed)),
                          f"{done} su {families_word(len(owed))} con il {m.upper()} "
                          "registrato o già scaduto", "%"))
    return out


def _change_figures(families: list[Family]) -> list[Figure]:
    out = []
    for side, label in SIDES.items():
        changes = [c for c in (f.change(side) for f in families) if c is not None]
        value = round(float(mean(changes)), 2) if changes else None
        out.append(Figure(f"variazione_{side}", f"Variazione media T0→T2: {label}", value,
                          f"punti sulla scala da 1 a 6, {families_word(len(changes))} "
                          "con T0 e T2"))
    return out


def families_word(count: int, one: str = "", many: str = "") -> str:
    """``count`` families in words: ``1 famiglia chiusa``, ``3 famiglie chiuse``."""
    noun, adjective = ("famiglia", one) if count == 1 else ("famiglie", many)
    return f"{count} {noun} {adjective}".rstrip()


def csv_row(family: Family) -> dict:
    """One CSV line per case (blank where nothing is recorded yet)."""
    case = family.case
    path = "sicurezza" if family.safety_stop else ("dopo il T2" if case.outcome in OUTCOMES
                                                   else "")
    row = {"caso": case.id, "famiglia": case.household.family_name,
           "territorio": case.territory.name, "operatore": case.caseworker,
           "stato": case.status, "esito": case.outcome or "", "percorso": path,
           "data_consenso": family.consent.isoformat() if family.consent else "",
           "dispositivi": " ".join(family.dispositivi),
           "bambino_in_famiglia": {True: "sì", False: "no", None: ""}[family.in_family]}
    for m in MILESTONES:
        row[f"data_{m}"] = family.recorded[m].isoformat() if m in family.recorded else ""
    for side in SIDES:
        for m in ("t0", "t2"):
            score = family.scores.get(m, {}).get(side)
            row[f"{side}_{m}"] = round(score, 2) if score is not None else ""
    row["componenti"] = members(case)
    return row
