"""The inbox: a person's tasks and the pool they may pick from, filtered and one page at a
time, read on the ``human_task`` indexes."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from .. import policy
from ..core.actors import Actor
from ..persistence.models import Case, Household, HumanTask, Programme

PER_PAGE = 25
MAX_PAGE = 100_000  # a page number past this is read as the last one it could be
DUE_SOON = timedelta(days=3)
STATUSES = ("all", "overdue", "due_soon")


@dataclass(frozen=True)
class InboxFilter:
    """What the person asked to see."""

    tab: str = "mine"
    programme: str | None = None
    step: str | None = None
    status: str = "all"
    descending: bool = False
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "InboxFilter":
        """Read the filter from query-string arguments, ignoring anything unknown."""
        status = args.get("status", "all")
        return cls(
            tab="pool" if args.get("tab") == "pool" else "mine",
            programme=args.get("programme") or None, step=args.get("step") or None,
            status=status if status in STATUSES else "all",
            descending=args.get("sort") == "-due", page=_page_number(args.get("page")),
        )


def _page_number(text: str | None) -> int:
    """The page asked for, between 1 and MAX_PAGE (1 when it is not a whole number)."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit():
        return 1
    return MAX_PAGE if len(text) > 6 else max(1, min(int(text), MAX_PAGE))


@dataclass(frozen=True)
class InboxRow:
    """One line of the inbox."""

    task: HumanTask
    family_name: str
    programme_name: str

    def state(self, now: datetime) -> str:
        """``overdue``, ``due_soon`` or ``""``."""
        due = self.task.due_at
        if due is None:
            return ""
        if due <= now:
            return "overdue"
        return "due_soon" if due - now <= DUE_SOON else ""


@dataclass(frozen=True)
class InboxPage:
    """One page of rows and how many there are in all."""

    rows: list[InboxRow]
    total: int
    page: int

    @property
    def pages(self) -> int:
        """Number of pages (at least 1)."""
        return max(1, -(-self.total // PER_PAGE))


def visible(actor: Actor, tab: str) -> list:
    """Conditions selecting the tasks of ``tab`` (``mine`` or ``pool``) for ``actor``."""
    if tab == "mine":
        conditions = [HumanTask.assignee == actor.id]
    else:
        conditions = [HumanTask.assignee.is_(None),
                      policy.pool(actor, HumanTask.role, HumanTask.territory_id)]
    return [*conditions, policy.reach(actor, HumanTask.territory_id)]


def _filtered(query: Select, actor: Actor, f: InboxFilter, now: datetime) -> Select:
    query = query.where(*visible(actor, f.tab))
    if f.programme:
        query = query.where(HumanTask.programme_key == f.programme)
    if f.step:
        query = query.where(HumanTask.bpmn_id == f.step)
    if f.status == "overdue":
        query = query.where(HumanTask.due_at <= now)
    elif f.status == "due_soon":
        query = query.where(HumanTask.due_at > now, HumanTask.due_at <= now + DUE_SOON)
    return query


def inbox_page(session: Session, actor: Actor, f: InboxFilter, now: datetime) -> InboxPage:
    """The page of the inbox ``f`` asks for."""
    order = (HumanTask.due_at.desc() if f.descending else HumanTask.due_at.asc()).nulls_last()
    page_ids = (_filtered(select(HumanTask.id), actor, f, now)  # sort and cut on the index alone
                .order_by(order, HumanTask.id)
                .offset((f.page - 1) * PER_PAGE).limit(PER_PAGE).subquery())
    query = (select(HumanTask, Household.family_name, Programme.name)
             .join(page_ids, page_ids.c.id == HumanTask.id)
             .join(Case, Case.id == HumanTask.case_id)
             .join(Household, Household.id == Case.household_id)
             .join(Programme, Programme.key == HumanTask.programme_key)
             .order_by(order, HumanTask.id))
    rows = [InboxRow(task, family, name) for task, family, name in session.execute(query)]
    total = session.scalar(_filtered(select(func.count(HumanTask.id)), actor, f, now))
    return InboxPage(rows, total or 0, f.page)


def step_choices(session: Session, actor: Actor, f: InboxFilter) -> list[tuple[str, str]]:
    """The steps present in this tab, for the filter menu."""
    query = select(HumanTask.bpmn_id, func.min(HumanTask.title)).where(*visible(actor, f.tab))
    if f.programme:
        query = query.where(HumanTask.programme_key == f.programme)
    return [(bpmn_id, title) for bpmn_id, title in
            session.execute(query.group_by(HumanTask.bpmn_id).order_by(func.min(HumanTask.title)))]
