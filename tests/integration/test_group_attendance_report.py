"""Attendance at group sessions in the Triple P report, against figures worked out by hand.

La Serena, with the seminar's minimum list lowered to 2 in the settings for this test:
- workshop session 1: 5 families listed, 4 attend;
- workshop session 2: the same 5 (the absent one still waits at its first session), all
  attend;
- one charla: 3 listed, 2 attend;
- a workshop session left open (2 listed): not registered, not counted.

Talleres: 2 sessions, 10 listed, 9 attended → 90.0 %, 4.5 per session.
Charlas: 1 session, 3 listed, 2 attended → 66.7 %, 2.0 per session.
"""

from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.commands import group_sessions as groups
from engine.definitions.parsing import read_sources
from engine.persistence.models import Territory
from engine.programmes.settings import read_settings_file
from engine.reports import build_report
from tests.integration.test_group_sessions import (
    TALK,
    WORKSHOP,
    families_at,
    list_families,
    new_group,
    submit,
)
from tests.integration.triple_p_driver import FOLDER, Office, add_la_serena


def test_the_report_counts_registered_sessions_listed_and_attending_families(
        session, real_forms):
    office = Office(session, real_forms, add_la_serena(session))
    settings = read_settings_file(FOLDER)
    settings["sesiones_grupales"]["charlas"]["familias_minimas"] = 2
    with unit_of_work(session):
        engine.deploy(session, read_sources(FOLDER), settings, real_forms, "marta")
    workshop, talks = families_at(office, 5, "talleres"), families_at(office, 3, "charlas")

    first = new_group(office, "talleres", WORKSHOP)
    list_families(office, first, {c: c != workshop[0] for c in workshop})
    submit(office, first)
    second = new_group(office, "talleres", WORKSHOP)
    list_families(office, second, {c: True for c in workshop})
    submit(office, second)
    talk = new_group(office, "charlas", TALK)
    list_families(office, talk, {c: c != talks[0] for c in talks})
    submit(office, talk)
    left_open = new_group(office, "talleres", WORKSHOP)
    list_families(office, left_open, {c: True for c in workshop[:2]})

    la_serena = session.scalars(select(Territory.id)).all()
    built = build_report(session, "triple_p", la_serena)

    assert built.breakdown("sesiones_grupales").rows == (
        ("Charlas masivas", 1, 3, 2, 66.7, 2.0, 0),
        ("Talleres grupales", 2, 10, 9, 90.0, 4.5, 0),
    )
    assert build_report(session, "triple_p", []).breakdown("sesiones_grupales").rows == (
        ("Charlas masivas", 0, 0, 0, None, None, 0),
        ("Talleres grupales", 0, 0, 0, None, None, 0),
    )
    assert groups.limits_of(engine.policy.opening(session, "triple_p", "la_serena").programme,
                            "charlas").minimum == 2
