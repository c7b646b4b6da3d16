"""Which figures of a report are computed from provisional or reconstructed items.

A programme's settings name, per instrument, the report figures computed from its items
(``[instrumentos.<clave>] cifras``, :mod:`engine.definitions.instruments`). A figure is
marked when a case it counts runs on a version where that instrument is not official: after
a manager publishes the official list, new cases' figures lose the mark, and a figure still
counting a case of the old version keeps it. A figure no case contributes to yet reads as
the report's cases' versions (or, with no case at all, the published version) say.
"""

import dataclasses
from collections.abc import Iterable, Mapping
from fnmatch import fnmatch

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.errors import NotFound
from ..definitions import catalog, instruments
from ..persistence.models import Case, ProcessDefinition, ProcessInstance
from .base import Report

Mark = tuple[str, str, str]  # (figure pattern, badge kind, instrument title)


def marked(session: Session, report: Report, cases: list[Case],
           contributors: Mapping[str, Iterable[Case]] | None = None) -> Report:
    """``report`` with each figure and breakdown computed from a non-official instrument
    carrying its mark (``provenance``: ``provisional``/``reconstructed``, and the
    ``instrument``'s title). ``contributors`` gives, by figure key, the cases a figure
    counts (default: every case of the report)."""
    contributors = contributors or {}
    version_of, by_definition = _case_marks(session, cases)
    if not cases:
        by_definition[None] = _published_marks(session, report.programme)

    def mark(item):
        counted = list(contributors.get(item.key, ())) or cases
        ids = {version_of.get(c.id) for c in counted} or {None}
        for definition_id in sorted(ids, key=lambda i: (i is None, i or 0)):
            for pattern, kind, title in by_definition.get(definition_id, []):
                if fnmatch(item.key, pattern):
                    return dataclasses.replace(item, provenance=kind, instrument=title)
        return dataclasses.replace(item, provenance=None, instrument=None)

    return dataclasses.replace(report, figures=[mark(f) for f in report.figures],
                               breakdowns=[mark(b) for b in report.breakdowns])


def _case_marks(session: Session, cases: list[Case]
                ) -> tuple[dict[int, int], dict[int | None, list[Mark]]]:
    """The version each case runs on and the figure marks of each version, in one query."""
    if not cases:
        return {}, {}
    query = (select(ProcessInstance.case_id, ProcessInstance.definition_id,
                    ProcessDefinition.settings_schema)
             .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
             .where(ProcessInstance.case_id.in_([c.id for c in cases])))
    version_of, by_definition = {}, {}
    for case_id, definition_id, schema in session.execute(query):
        version_of[case_id] = definition_id
        if definition_id not in by_definition:
            by_definition[definition_id] = instruments.figure_marks(schema)
    return version_of, by_definition


def _published_marks(session: Session, programme: str) -> list[Mark]:
    """The figure marks of the published version (a report with no case yet)."""
    try:
        return instruments.figure_marks(
            catalog.latest_definition(session, programme).settings_schema)
    except NotFound:
        return []
