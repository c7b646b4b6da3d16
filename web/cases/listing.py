"""The cases page: every case the person may see, searched, sorted and paged."""

from flask import render_template, request
from sqlalchemy import select

from engine import policy, queries

from ..access import actor
from ..auth.models import User
from ..auth.people import working_in_any
from ..extensions import db
from ..names import programme_name
from .case_filter import Choices, read_filter


def cases_page():
    """The page: the filter form, the cases found (or what to fix in the form), the pages."""
    who = actor()
    territories = queries.case_territories(db.session, who)
    people = _people({t.id for t in territories})
    choices = Choices(programmes=[(key, programme_name(key)) for key, _name in
                                  queries.programmes_in_reach(db.session, who)],
                      caseworkers=[(username, name) for username, name, roles in people
                                   if policy.CASEWORKER in roles.split(",")],
                      territories=[(t.code, t.name) for t in territories])
    case_filter = read_filter(request.args, choices)
    page = (queries.case_page(db.session, who, case_filter.search)
            if case_filter.search is not None else None)
    names = {username: name for username, name, _roles in people}
    if page is not None:
        missing = {r.case.caseworker for r in page.rows} - names.keys()
        if missing:
            names |= dict(db.session.execute(select(User.username, User.full_name)
                                             .where(User.username.in_(sorted(missing)))).all())
    return render_template("cases/index.html", page=page, filter=case_filter, choices=choices,
                           names=names)


def _people(territory_ids: set[int]) -> list[tuple[str, str, str]]:
    """``(username, full name, roles)`` of the active people working in any of
    ``territory_ids``, by name: only their columns, as a country has thousands."""
    query = select(User.username, User.full_name, User.roles).where(
        User.active.is_(True), working_in_any(territory_ids)).order_by(User.full_name)
    return [tuple(row) for row in db.session.execute(query)]
