"""Logging what a page showed (engine.log_view, engine.log_export): every view of a case
file, a step, a report and every line of an export about a household, once the policy let
the person see it. ``?motivo=`` on a case file or step records why they looked."""

from collections.abc import Iterable

from flask import after_this_request, request

import engine
from engine import unit_of_work
from engine.queries import access_log as log_queries

from ..access import actor
from ..extensions import db

CASE_FILE, STEP, REPORT, EXPORT = "case_file", "step", "report", "export"
REASON = "motivo"


def viewed(kind: str, what: object, case=None, who: engine.Actor | None = None, *,
           before_the_page: bool = False) -> None:
    """Log that the signed-in person (or ``who``: an API caller) looked at ``what`` (of
    ``kind``) about ``case``. Once the page is made, in a transaction of its own, so that its
    commit does not expire what the page is still reading (the person, the step); or at once
    (``before_the_page``) for a page that lists the views itself (the case file's *who opened
    this file*, this view included)."""
    who, reason = who or actor(), request.args.get(REASON)

    def log_it() -> None:
        with unit_of_work(db.session):
            engine.log_view(db.session, who, kind, str(what), case, reason=reason)

    if before_the_page:
        log_it()
        return

    @after_this_request
    def once_made(response):
        log_it()
        return response


def exported(name: str, case_ids: Iterable) -> list:
    """Log one line per case of the export ``name``; returns the ids (a generator is read
    once, so the caller writes the same rows it logged)."""
    ids = [c for c in case_ids]
    with unit_of_work(db.session):
        engine.log_export(db.session, actor(), name, [c for c in ids if isinstance(c, int)])
    return ids


def case_views(case) -> list | None:
    """Who looked at the family's file, for the case file (None: not the reader's to see)."""
    return log_queries.case_views(db.session, actor(), case)
