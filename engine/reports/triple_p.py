"""Triple P: places filled per modality (of the places configured), the waiting lists,
completion per modality, and the mean pre→post change on each questionnaire.

The places and waiting lists are read as they stand now (engine.commands.places); the rest from each
case's audit trail: the modality chosen at ``inscripcion``, attendance at ``charla``,
``sesion_individual``, ``sesion_grupal`` and ``llamada_seguimiento``, the scores of
``cuestionarios_iniciales`` and ``cuestionarios_finales`` (the latest submission counts;
post scores only when the questionnaires were applied), and the case's outcome. A family has
*ended* its modality once its outcome is ``completa``, ``no_completa`` or ``abandono``; the
completion rate is ``completa`` over those.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import mean
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..commands import places
from ..definitions import catalog, manifest
from ..persistence.models import Case, Enrolment, Event, Territory
from . import marks, register
from .base import (
    Breakdown,
    Figure,
    Report,
    completions,
    members,
    programme_cases,
    share,
    submitted,
)
from .group_attendance import attendance

PROGRAMME = "triple_p"
STEPS = manifest.steps(PROGRAMME)  # the steps read, by the names of the manifest
TITLE = "Triple P — cupos, cumplimiento y cambios en la crianza"
ENDED = ("completa", "no_completa", "abandono")
ATTENDANCE = {  # modality: (step registering a session, field saying it happened)
    "charlas": ("talk", "asistio"),
    "individuales": ("individual_session", "asistio"),
    "talleres": ("group_session", "asistio"),
}
QUESTIONNAIRES = {  # the lower the score, the better
    "conducta_infantil": "Conducta infantil (ECBI)",
    "estilo_parental": "Estilo de crianza (Escala de Parentalidad)",
    "estres_parental": "Estrés parental (PSI-SF)",
}
PLACE_STATES = {places.OCCUPIED: "asignado", places.WAITING: "en espera",
                places.RELEASED: "liberado", places.WITHDRAWN: "retirado de la espera"}
COLUMNS = ["caso", "familia", "territorio", "facilitador", "modalidad", "cupo",
           "sesiones_registradas", "sesiones_asistidas", "llamadas_realizadas", "resultado",
           *[f"{q}_{when}" for q in QUESTIONNAIRES for when in ("pre", "post", "cambio")],
           "integrantes"]


@dataclass(frozen=True)
class FamilyResult:
    """What one family's case says (None: not known yet)."""

    case: Case
    modality: str | None
    place: str | None
    registered: int
    attended: int
    calls: int
    pre: dict[str, float] = field(default_factory=dict)
    post: dict[str, float] = field(default_factory=dict)

    def change(self, questionnaire: str) -> float | None:
        """Post minus pre score (negative: better), when both were measured."""
        if questionnaire in self.pre and questionnaire in self.post:
            return round(self.post[questionnaire] - self.pre[questionnaire], 2)
        return None


def read_family(case: Case, events: list[Event], place: str | None) -> FamilyResult:
    """One family's figures from its ``task_completed`` events and its enrolment."""
    enrolled = [d for d in submitted(events, STEPS["enrolment"]) if d.get("modalidad")]
    modality = enrolled[-1]["modalidad"] if enrolled else None
    step, flag = ATTENDANCE.get(modality, (None, None))
    sessions = submitted(events, STEPS[step]) if step else []
    calls = submitted(events, STEPS["follow_up_call"])
    return FamilyResult(case, modality, place, len(sessions),
                        sum(1 for s in sessions if s.get(flag)),
                        sum(1 for c in calls if c.get("realizada")),
                        _scores(submitted(events, STEPS["questionnaires_before"]), "pre"),
                        _scores(submitted(events, STEPS["questionnaires_after"]), "post"))


def _scores(answers: list[dict], when: str) -> dict[str, float]:
    if not answers or answers[-1].get("aplicados") is False:
        return {}
    latest = answers[-1]
    return {q: latest[f"{q}_{when}"] for q in QUESTIONNAIRES if f"{q}_{when}" in latest}


@register(PROGRAMME)
def build(session: Session, territory_ids: Iterable[int]) -> Report:
    """The Triple P outcome report over ``territory_ids``."""
    ids = list(territory_ids)
    cases = programme_cases(session, PROGRAMME, ids)
    events = completions(session, [c.id for c in cases])
    statuses = _place_statuses(session, [c.id for c in cases])
    families = [read_family(c, events[c.id], statuses.get(c.id)) for c in cases]
    occupancy = places.occupancy(session, PROGRAMME, ids)
    names = _modality_names(session, occupancy)
    report = Report(PROGRAMME, TITLE,
                    figures=figures(families, occupancy) + questionnaire_figures(families),
                    columns=COLUMNS, rows=[csv_row(f, names) for f in families],
                    breakdowns=[places_by_modality(occupancy, names),
                                completion_by_modality(families, names),
                                waiting_lists(session, ids, occupancy, names),
                                questionnaire_changes(families),
                                attendance(session, PROGRAMME, ids)])
    measured = {f"cambio_{key}": [f.case for f in families if f.change(key) is not None]
                for key in QUESTIONNAIRES}
    measured["cuestionarios"] = [c for group in measured.values() for c in group]
    return marks.marked(session, report, cases, measured)


def _place_statuses(session: Session, case_ids: list[int]) -> dict[int, str]:
    """Each case's latest enrolment status."""
    query = (select(Enrolment.case_id, Enrolment.status)
             .where(Enrolment.case_id.in_(case_ids)).order_by(Enrolment.id))
    return dict(session.execute(query).all()) if case_ids else {}


def _modality_names(session: Session, occupancy: dict) -> dict[str, str]:
    programme = catalog.programme(session, PROGRAMME)
    return {m: places.modality_name(programme, m) for m in occupancy}


def figures(families: list[FamilyResult], occupancy: dict) -> list[Figure]:
    """Cases, places held and families waiting now, and completion over every modality."""
    closed = sum(1 for f in families if f.case.outcome)
    capacity = sum(o.capacity for o in occupancy.values())
    held = sum(o.occupied for o in occupancy.values())
    waiting = sum(o.waiting for o in occupancy.values())
    ended = [f for f in families if f.case.outcome in ENDED]
    completed = sum(1 for f in ended if f.case.outcome == "completa")
    return [
        Figure("casos", "Familias derivadas", len(families),
               f"{len(families) - closed} en curso, {closed} cerradas"),
        Figure("cupos_ocupados", "Cupos ocupados", held, f"de {capacity} cupos"),
        Figure("lista_espera", "Familias en lista de espera", waiting),
        Figure("completa_pct", "Familias que completaron su modalidad",
               share(completed, len(ended)), f"{completed} de {len(ended)} que la terminaron",
               "%"),
    ]


def questionnaire_figures(families: list[FamilyResult]) -> list[Figure]:
    """The mean post − pre change on each questionnaire (negative: better)."""
    found = []
    for key, label in QUESTIONNAIRES.items():
        changes = [c for c in (f.change(key) for f in families) if c is not None]
        value = round(mean(changes), 1) if changes else None
        found.append(Figure(f"cambio_{key}", f"Cambio promedio: {label}",
                            float(value) if value is not None else None,
                            f"post − pre en {len(changes)} familias (negativo = mejora)"))
    return found


def places_by_modality(occupancy: dict, names: dict[str, str]) -> Breakdown:
    """Per modality: places configured, held now, their share, and families waiting."""
    rows = tuple((names[m], o.capacity, o.occupied, share(o.occupied, o.capacity), o.waiting)
                 for m, o in occupancy.items())
    return Breakdown("cupos", "Cupos por modalidad",
                     ("Modalidad", "Cupos", "Ocupados", "% ocupado", "En lista de espera"),
                     rows, ("", "", "%", ""))


def completion_by_modality(families: list[FamilyResult], names: dict[str, str]) -> Breakdown:
    """Per modality: families that ended it, and how many completed, did not, or left."""
    rows = []
    for modality, name in names.items():
        ended = [f.case.outcome for f in families
                 if f.modality == modality and f.case.outcome in ENDED]
        done = ended.count("completa")
        rows.append((name, len(ended), done, share(done, len(ended)),
                     ended.count("no_completa"), ended.count("abandono")))
    return Breakdown("cumplimiento", "Cumplimiento por modalidad",
                     ("Modalidad", "Terminaron", "Completaron", "% completó", "No completaron",
                      "Abandonaron"), tuple(rows), ("", "", "%", "", ""))


def waiting_lists(session: Session, territory_ids: list[int], occupancy: dict,
                  names: dict[str, str]) -> Breakdown:
    """Every family waiting, per territory and modality, the next to get a place first."""
    territories = session.scalars(select(Territory).where(Territory.id.in_(territory_ids))
                                  .order_by(Territory.name)).all()
    rows = tuple((names[m], t.name, w.position, w.family_name,
                  w.requested_at.astimezone(ZoneInfo(t.timezone)).date())
                 for t in territories for m in occupancy
                 for w in places.waiting_list(session, PROGRAMME, t.id, m))
    return Breakdown("espera", "Listas de espera",
                     ("Modalidad", "Territorio", "Posición", "Familia", "Inscrita el"), rows)


def questionnaire_changes(families: list[FamilyResult]) -> Breakdown:
    """Per questionnaire: families measured before and after, mean scores and mean change."""
    rows = []
    for key, label in QUESTIONNAIRES.items():
        both = [f for f in families if f.change(key) is not None]
        pre = round(mean(f.pre[key] for f in both), 1) if both else None
        post = round(mean(f.post[key] for f in both), 1) if both else None
        change = round(mean(f.change(key) for f in both), 1) if both else None
        rows.append((label, len(both), *(None if v is None else float(v)
                                         for v in (pre, post, change))))
    return Breakdown("cuestionarios", "Cuestionarios antes y después",
                     ("Cuestionario", "Familias", "Promedio pre", "Promedio post",
                      "Cambio promedio"), tuple(rows))


def csv_row(family: FamilyResult, names: dict[str, str]) -> dict:
    """One CSV line per case (blank where nothing is measured yet)."""
    case = family.case
    row = {"caso": case.id, "familia": case.household.family_name,
           "territorio": case.territory.name, "facilitador": case.caseworker,
           "modalidad": names.get(family.modality, family.modality) if family.modality else "",
           "cupo": PLACE_STATES.get(family.place, ""),
           "sesiones_registradas": family.registered, "sesiones_asistidas": family.attended,
           "llamadas_realizadas": family.calls, "resultado": case.outcome or ""}
    for key in QUESTIONNAIRES:
        row |= {f"{key}_pre": family.pre.get(key), f"{key}_post": family.post.get(key),
                f"{key}_cambio": family.change(key)}
    row["integrantes"] = members(case)
    return row
