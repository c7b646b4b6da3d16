"""A case as plain text, for the command line."""

from engine import CaseView


def render_case(view: CaseView) -> str:
    """Status, open tasks, pending timers, data and history of a case."""
    case = view.case
    lines = [
        f"Case {case.id} — {case.household.family_name} — {case.programme_key} "
        f"in {case.territory.name}",
        f"  caseworker {case.caseworker}; case {case.status}; workflow {view.status}"
        + (f"; outcome {case.outcome}" if case.outcome else ""),
        "Open tasks:",
    ]
    lines += [f"  {t.id}  {t.title}  assignee={t.assignee or '-'} late_from={_moment(t.due_at)}"
              for t in view.tasks] or ["  (none)"]
    lines.append("Timers:")
    lines += [f"  {t.due_at:%Y-%m-%d %H:%M} UTC  {t.kind:<10} {t.bpmn_id}"
              for t in view.timers] or ["  (none)"]
    lines.append("History:")
    lines += [f"  {e.at:%Y-%m-%d %H:%M} UTC  {e.kind:<15} {e.title or ''}  by {e.actor}"
              for e in view.history]
    return "\n".join(lines)


def _moment(moment) -> str:
    """When a step becomes overdue (the midnight after its due day, territory time), in UTC."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"
