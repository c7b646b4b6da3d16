"""The supervisor dashboard's figures, against a hand-computed expectation.

Now is Monday 20 April 2026, 12:00 UTC. First contact is due 15 working days after
allocation (Good Friday, 3 April, is a holiday); a step is overdue from 00:00 Santiago time
the day after its due day.
"""

from datetime import UTC, datetime

import pytest
import time_machine

import engine
from engine import unit_of_work
from tests.entry import sweep
from web.demo_data import contacto, ingreso
from web.extensions import db

NOW = datetime(2026, 4, 20, 12, tzinfo=UTC)
CASES = [  # family, caseworker, allocated, territory
    ("A Rojas", "ana", datetime(2026, 3, 2, 12, tzinfo=UTC), "antofagasta"),    # due 23 Mar
    ("B Soto", "ana", datetime(2026, 4, 1, 12, tzinfo=UTC), "antofagasta"),     # due 22 Apr
    ("C Díaz", "ana", datetime(2026, 1, 5, 12, tzinfo=UTC), "antofagasta"),     # due 26 Jan
    ("D Vega", "pedro", datetime(2026, 3, 30, 12, tzinfo=UTC), "antofagasta"),  # due 21 Apr
    ("E Tapia", "pedro", datetime(2026, 3, 25, 12, tzinfo=UTC), "antofagasta"),  # due 16 Apr
    ("F Bianchi", "lucia", datetime(2026, 1, 5, 12, tzinfo=UTC), "la_serena"),  # not Jorge's
]


@pytest.fixture
def seeded(web_app, start_case):
    for family, caseworker, at, territory in CASES:
        start_case(family, territory=territory, caseworker=caseworker, at=at)
    with web_app.app_context():
        sweep(db.session, NOW)


def test_the_dashboard_counts_what_a_person_would_count(as_person, seeded):
    with time_machine.travel(NOW, tick=False):
        jorge = as_person("jorge")
        page = jorge.get("/dashboard/").get_data(as_text=True)
    assert "3 pasos vencidos" in page  # A, C, E — not B or D (not yet due), not F (La Serena)
    for bucket, count in (("1–7", 1), ("8–30", 1), (">30", 1)):  # E 4 days, A 28, C 84
        assert f'data-bucket="{bucket}">{count}<' in page.replace("&gt;", ">")
    assert "<th scope=\"row\">Ana Castro</th><td>2</td>" in page  # people by name
    assert "<th scope=\"row\">Pedro Morales</th><td>1</td>" in page
    assert "F Bianchi" not in page
    weekly = [int(n) for n in _bar_labels(page)]
    assert weekly == [1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3]


def test_a_late_step_done_later_leaves_the_weekly_count(as_person, web_app, start_case):
    """A Rojas's first contact was overdue from 24 March (03:00 UTC) until ana did it on
    Wednesday 8 April, with the entry (itself already late, as it is due 30 days from the
    allocation): A counts at the week ends 30 March and 6 April, no longer on 13 and 20 April,
    and the entry, open and closed in the same moment, never counts."""
    for family, caseworker, at, territory in CASES:
        start_case(family, territory=territory, caseworker=caseworker, at=at)
    done_at = datetime(2026, 4, 8, 15, tzinfo=UTC)
    with web_app.app_context():
        sweep(db.session, done_at)
        ana = engine.Actor("ana", frozenset({"caseworker"}), None)
        row = next(t for t in engine.list_tasks(db.session, ana) if t.case_id == 1)
        forms = web_app.extensions["acompana.forms"]
        with unit_of_work(db.session):
            engine.complete(db.session, forms, row.id, contacto(done_at.date()), ana, done_at)
        row = next(t for t in engine.list_tasks(db.session, ana) if t.case_id == 1)
        with unit_of_work(db.session):
            engine.complete(db.session, forms, row.id, ingreso(done_at.date()), ana, done_at)
        sweep(db.session, NOW)
    with time_machine.travel(NOW, tick=False):
        page = as_person("jorge").get("/dashboard/").get_data(as_text=True)
    assert [int(n) for n in _bar_labels(page)] == [1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 1, 2]
    # C's and E's first contacts, and the review of C's (open since 27 January, past its
    # own 5-working-day due date)
    assert "3 pasos vencidos" in page


def _bar_labels(page: str) -> list[str]:
    import re

    return re.findall(r'<text x="\d+" y="[\d.]+" text-anchor="middle">(\d+)</text>', page)


def test_caseload_counts_open_cases_per_caseworker(as_person, seeded):
    with time_machine.travel(NOW, tick=False):
        page = as_person("jorge").get("/dashboard/").get_data(as_text=True)
    section = page.split("Casos abiertos por profesional")[1].split("</section>")[0]
    assert "<th scope=\"row\">Ana Castro</th><td>3</td>" in section
    assert "<th scope=\"row\">Pedro Morales</th><td>2</td>" in section


def test_the_csv_lists_each_overdue_step(as_person, seeded):
    with time_machine.travel(NOW, tick=False):
        response = as_person("jorge").get("/dashboard/overdue.csv")
    lines = response.get_data(as_text=True).strip().splitlines()
    assert response.mimetype == "text/csv" and len(lines) == 4
    assert lines[1].startswith("C Díaz,Antofagasta,Programa Familias — Acompañamiento Integral,"
                               "Primer contacto con la familia,Ana Castro,")
    assert [line.split(",")[6] for line in lines[1:]] == ["84", "28", "4"]


def test_caseworkers_have_no_dashboard(as_person):
    assert as_person("ana").get("/dashboard/").status_code == 403
