"""The filter an administrator's log page reads from its query string (``person``, ``case``,
``kind``, ``since``, ``until``, ``page``): the audit trail (web.admin.audit_views) and the
access log (web.admin.access_log_views) share it, as they share the form
(templates/admin/_log_filters.html). A value that does not read is left out."""

from collections.abc import Container
from datetime import date

from flask import request

import engine


def _day(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, "")[:10])
    except ValueError:
        return None


def log_filter(kinds: Container[str]) -> engine.LogFilter:
    """The request's filter; ``kind`` is kept only when it is one of ``kinds``."""
    args = request.args
    case, page, kind = args.get("case", ""), args.get("page", "1"), args.get("kind", "")
    return engine.LogFilter(
        person=args.get("person", "")[:64].strip() or None,
        case_id=int(case) if case.isdigit() and len(case) < 10 else None,
        kind=kind if kind in kinds else None,
        since=_day("since"), until=_day("until"),
        page=int(page) if page.isdigit() and len(page) < 6 else 1)
