"""The consents a step needs, recorded the way a caseworker records them on the case file
before completing it: for the demo data (web.demo) and the tests' drivers, which walk
P.I.P.P.I.'s consent step (``x-consent`` on forms/pippi/consenso.json)."""

from datetime import datetime

import engine
from engine import unit_of_work
from engine.core import clock

DEMO_DOCUMENT = "Modulo di consenso firmato (archivio del servizio)"


def give_needed_consents(session, forms: engine.FormLibrary, row, data: dict,
                         moment: datetime | None = None,
                         document: str = DEMO_DOCUMENT) -> int:
    """Record, as the case's caseworker, each consent the open step ``row`` needs with
    ``data``; returns how many were recorded."""
    if not row.form_key:
        return 0
    schema = engine.forms_for_instance(session, row.instance_id, forms).schema(row.form_key)
    case = engine.visible_case(session, row.case_id, engine.SYSTEM)
    needed = engine.missing_consents(session, case, schema, data)
    caseworker = engine.Actor(case.caseworker, frozenset({engine.policy.CASEWORKER}), None)
    day = (moment or clock.now()).date()
    for need in needed:
        with unit_of_work(session):
            engine.record_consent(session, engine.RecordConsent(
                case.id, need.index, need.purpose, document, day), caseworker, moment)
    return len(needed)
