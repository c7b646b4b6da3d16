"""The read side: every list a page, the API or the command line shows, for one :class:`Actor`.

Each query takes the actor and returns only what the access policy lets it see
(:func:`engine.policy.visible` is the one territory filter they all apply):

- :mod:`.inbox`: my tasks and the pool, filtered and paged;
- :mod:`.dashboard`: overdue steps by caseworker, programme, territory and age, caseloads,
  the trend, cases with an open incident;
- :mod:`.reports`: the programmes and territories a reader's outcome reports cover;
- :mod:`.cases`: finding cases; :mod:`.tasks`: task lists;
- :mod:`.programmes`: where an actor may open cases, and which programmes.

Layer engine.queries; it may import: engine.reports, engine.commands and every layer below it.
The contracts that hold it are in pyproject.toml ([tool.importlinter]).
"""

from .cases import CasePage, CaseRow, CaseSearch, case_page, case_territories, search_cases
from .dashboard import (
    BUCKETS,
    UNASSIGNED,
    OverdueTask,
    Summary,
    cases_with_open_incident,
    overdue_tasks,
    summary,
)
from .inbox import InboxFilter, InboxPage, InboxRow, inbox_page, step_choices
from .programmes import (
    programmes_in_reach,
    start_municipalities,
    start_territories,
    startable_programmes,
)
from .reports import chosen_territories, outcome_report, reader_territories, reportable_programmes
from .tasks import next_step_held, task_list

__all__ = [
    "BUCKETS", "UNASSIGNED", "CasePage", "CaseRow", "CaseSearch", "InboxFilter", "InboxPage",
    "InboxRow",
    "OverdueTask", "Summary", "case_page", "case_territories",
    "cases_with_open_incident", "chosen_territories", "inbox_page", "outcome_report",
    "overdue_tasks", "programmes_in_reach", "reader_territories", "reportable_programmes",
    "search_cases", "start_municipalities", "start_territories", "startable_programmes",
    "next_step_held", "step_choices", "summary", "task_list",
]
