"""Finding cases among those the actor may see: by family or member name, national id,
programme, status, caseworker, territory and current step; sorted and paged with a total.

Names are matched as the start of a word, without accents or case, in the household's
search text (``Household.search_text``, trigram-indexed on PostgreSQL); a national id by
its normalised key (the household's reference person) or as a member's id.
"""

from dataclasses import dataclass, field

from sqlalchemy import Select, bindparam, exists, func, or_, select
from sqlalchemy.orm import Session, contains_eager

from .. import policy
from ..core import search_text
from ..core.actors import Actor
from ..persistence.models import Case, Household, HumanTask, Incident, ProcessInstance, Territory

MAX_FOUND = 200
OPEN, PAUSED, CLOSED, WITH_INCIDENT = "open", "paused", "closed", "incident"
STATUSES = (OPEN, PAUSED, CLOSED, WITH_INCIDENT)
OPENED, FAMILY, ACTIVITY = "opened", "family", "activity"
SORTS = (OPENED, FAMILY, ACTIVITY)
MAX_PAGE = 10_000
MAX_COUNTED = 2_000  # a name matching more households than this is counted as "more than"


@dataclass(frozen=True)
class CaseSearch:
    """What to look for; every part is optional. ``name``: words that start a word of the
    family name or of a member's name; ``national_keys``: normalised ids (see
    :func:`engine.core.national_ids.search_keys`); ``status``: one of :data:`STATUSES`
    (``closed`` is any case no longer open); ``step``: a current step's BPMN id or part of
    its title; ``territory``: a territory code; ``sort``: one of :data:`SORTS`.
    ``family`` (part of the family name) is the older, simpler form of ``name``."""

    family: str | None = None
    programme: str | None = None
    status: str | None = None
    limit: int = 50
    name: str | None = None
    national_keys: tuple[str, ...] = ()
    caseworker: str | None = None
    territory: str | None = None
    step: str | None = None
    sort: str = OPENED
    page: int = 1


@dataclass(frozen=True)
class CaseRow:
    """One case found, with its current steps' titles and whether an incident is open."""

    case: Case
    steps: list[str] = field(default_factory=list)
    incident: bool = False

    @property
    def paused(self) -> bool:
        """Whether the case's deadlines are paused."""
        return self.case.status == OPEN and self.case.deadlines_paused_at is not None


@dataclass(frozen=True)
class CasePage:
    """One page of the cases found: ``rows``, how many in all, and which page of how many."""

    rows: list[CaseRow]
    total: int
    page: int
    pages: int
    per_page: int
    at_least: bool = False  # ``total`` is a floor: more match (a common name, a country)


def search_cases(session: Session, actor: Actor, search: CaseSearch | None = None) -> list[Case]:
    """The cases ``actor`` may see that match ``search``, the newest first (at most
    ``search.limit``, itself at most :data:`MAX_FOUND`)."""
    search = search or CaseSearch()
    limit = max(1, min(search.limit, MAX_FOUND))
    return list(session.scalars(_cases(actor, search).limit(limit)))


def case_page(session: Session, actor: Actor, search: CaseSearch) -> CasePage:
    """Page ``search.page`` (``search.limit`` rows each) of the cases ``actor`` may see that
    match ``search``; a page past the last is the last.

    When names or ids narrow the households, the few cases found are counted in the same
    statement (a window count), so the search runs once; otherwise the count is its own
    statement and the page walks an index, stopping at the page's last row."""
    per_page = max(1, min(search.limit, MAX_FOUND))
    page = max(1, min(search.page, MAX_PAGE))
    if _narrowed(search) and _common(session, actor, search):
        return _page_walked(session, actor, search, per_page, page)
    if _narrowed(search):
        cases, total = _page_counted(session, actor, search, per_page, page)
        if cases or page == 1:
            return _page(session, cases, total, page, per_page)
    total = session.scalar(_matching(actor, select(func.count(Case.id)), search)) or 0
    page = max(1, min(page, -(-total // per_page)))
    query = _cases(actor, search).limit(per_page).offset((page - 1) * per_page)
    return _page(session, list(session.scalars(query)), total, page, per_page)


def _page_counted(session: Session, actor: Actor, search: CaseSearch, per_page: int,
                  page: int) -> tuple[list[Case], int]:
    """The cases of one page and how many match in all (0 when the page is empty)."""
    query = (_cases(actor, search).add_columns(func.count().over())
             .limit(per_page).offset((page - 1) * per_page))
    found = session.execute(query).all()
    return [case for case, _ in found], (found[0][1] if found else 0)


def _common(session: Session, actor: Actor, search: CaseSearch) -> bool:
    """Whether the names or ids match more than :data:`MAX_COUNTED` households the actor
    sees (read on the trigram index, stopping there)."""
    households = _of_household(policy.visible(actor, select(Household.id),
                                              Household.territory_id), search)
    found = select(func.count()).select_from(households.limit(MAX_COUNTED + 1).subquery())
    return (session.scalar(found) or 0) > MAX_COUNTED


def _page_walked(session: Session, actor: Actor, search: CaseSearch, per_page: int,
                 page: int) -> CasePage:
    """A page of a search matching very many cases: the cases are walked in order on the
    index of that order until the page is full (matches are everywhere), and the total is
    given as "more than :data:`MAX_COUNTED`" (its pages are those of that many)."""
    pages = -(-MAX_COUNTED // per_page)
    page = min(page, pages)
    query = (_ordered(_matching(actor, select(Case), search), search, walk=True)
             .options(contains_eager(Case.household))
             .limit(per_page).offset((page - 1) * per_page))
    cases = list(session.scalars(query))
    return CasePage(_rows(session, cases), MAX_COUNTED, page, pages, per_page, at_least=True)


def _page(session: Session, cases: list[Case], total: int, page: int,
          per_page: int) -> CasePage:
    return CasePage(_rows(session, cases), total, page, max(1, -(-total // per_page)), per_page)


def case_territories(session: Session, actor: Actor) -> list[Territory]:
    """The territories whose cases ``actor`` sees, by name (for the search form)."""
    return list(session.scalars(policy.visible(actor, select(Territory), Territory.id)
                                .order_by(Territory.name)))


def _matching(actor: Actor, query: Select, search: CaseSearch) -> Select:
    """``query`` (of cases) limited to what ``actor`` sees and ``search`` asks for; joined to
    the household only when the search or the order is about it."""
    query = policy.visible(actor, query)
    if _about_household(search):
        # a household is in the territory of its cases (engine.commands.household_registry):
        # the same filter on its side lets PostgreSQL narrow the households first
        query = policy.visible(actor, query.join(Household, Household.id == Case.household_id),
                               Household.territory_id)
        query = _of_household(query, search)
    if search.programme:
        query = query.where(Case.programme_key == search.programme)
    if search.caseworker:
        query = query.where(Case.caseworker == search.caseworker)
    if search.territory:
        query = query.where(Case.territory_id.in_(
            select(Territory.id).where(Territory.code == search.territory)))
    if search.step:
        query = query.where(_has_step(search.step))
    return _with_status(query, search.status)


def _about_household(search: CaseSearch) -> bool:
    return bool(search.family or search.name or search.national_keys or search.sort == FAMILY)


def _narrowed(search: CaseSearch) -> bool:
    """Whether names or ids narrow the households to a few."""
    return bool(search_text.terms(search.name or "") or search.national_keys)


def _cases(actor: Actor, search: CaseSearch) -> Select:
    """The cases found, in order, their household read from the join when there is one."""
    query = _ordered(_matching(actor, select(Case), search), search)
    return query.options(contains_eager(Case.household)) if _about_household(search) else query


def _of_household(query: Select, search: CaseSearch) -> Select:
    if search.family:
        query = query.where(func.lower(Household.family_name).contains(search.family.lower(),
                                                                       autoescape=True))
    for term in search_text.terms(search.name or ""):
        query = query.where(Household.search_text.like(_pattern(f"% {term}%")))
    if search.national_keys:
        keys = list(search.national_keys)
        query = query.where(or_(Household.national_key.in_(keys),
                                *(Household.search_text.like(_pattern(f"% {k.lower()} %"))
                                  for k in keys)))
    return query


def _pattern(text: str):
    """A LIKE pattern written into the statement (not a parameter), so that PostgreSQL plans
    each search with its text (a prepared statement's generic plan cannot use the trigram
    index well); SQLAlchemy quotes it, and search words hold only letters and digits."""
    return bindparam("pattern", text, literal_execute=True)


def _with_status(query: Select, status: str | None) -> Select:
    if status == OPEN:
        return query.where(Case.status == OPEN, Case.deadlines_paused_at.is_(None))
    if status == PAUSED:
        return query.where(Case.status == OPEN, Case.deadlines_paused_at.is_not(None))
    if status == CLOSED:
        return query.where(Case.status != OPEN)
    if status == WITH_INCIDENT:
        return query.where(exists().where(Incident.case_id == Case.id,
                                          Incident.status == OPEN))
    if status:
        return query.where(Case.status == status)
    return query


def _has_step(step: str):
    title = func.lower(HumanTask.title).contains(step.strip().lower(), autoescape=True)
    return exists().where(HumanTask.case_id == Case.id,
                          or_(HumanTask.bpmn_id == step.strip(), title))


def _ordered(query: Select, search: CaseSearch, walk: bool = False) -> Select:
    """``query`` in the order asked for. When names or ids narrow the households, the order is
    an expression no index gives: PostgreSQL then finds the few matching households first and
    sorts them, instead of walking every case by date (or family) looking for them; unless
    ``walk`` (the matches are so many that walking finds a page soonest)."""
    family, opened = Household.family_name, Case.opened_at
    if _narrowed(search) and not walk:
        family, opened = func.coalesce(family, family), func.coalesce(opened, opened)
    if search.sort == FAMILY:
        return query.order_by(family, Case.id)
    if search.sort == ACTIVITY:
        updated = (select(ProcessInstance.updated_at).where(ProcessInstance.case_id == Case.id)
                   .scalar_subquery())
        return query.order_by(updated.desc().nulls_last(), Case.id.desc())
    return query.order_by(opened.desc(), Case.id.desc())


def _rows(session: Session, cases: list[Case]) -> list[CaseRow]:
    ids = [c.id for c in cases]
    if not ids:
        return []
    steps: dict[int, list[str]] = {}
    for case_id, title in session.execute(select(HumanTask.case_id, HumanTask.title)
                                          .where(HumanTask.case_id.in_(ids))
                                          .order_by(HumanTask.created_at, HumanTask.title)):
        if title not in steps.setdefault(case_id, []):
            steps[case_id].append(title)
    troubled = set(session.scalars(select(Incident.case_id).where(
        Incident.case_id.in_(ids), Incident.status == OPEN)))
    return [CaseRow(c, steps.get(c.id, []), c.id in troubled) for c in cases]
