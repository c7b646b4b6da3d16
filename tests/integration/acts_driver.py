"""What the case-acts tests of every programme share: a seed with the programme deployed and
one case opened (built once per database kind, each test a fresh copy), the territory the
case may move to, and an act recorded from the case file.

A test resumes the seed's case with its driver's ``resume`` (the clock at 09:00 on the day
the case was opened), as if it had just opened it.
"""

from collections.abc import Callable

from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.persistence.models import Case, Territory
from tests.conftest import ROOT, add_territories, seed_session
from tests.integration.case_driver import CaseSteps, DrivenCase
from tests.templates import Seed


def case_seed(name: str, programme: str, more: list[dict],
              open_case: Callable[..., DrivenCase]) -> Seed:
    """A seed: the two test territories and ``more`` (territory rows: where the programme
    works, where the case may move to), ``programme`` deployed, and the case
    ``open_case(session, forms, territories)`` opens with its driver. The seed's data is the
    case's id."""

    def build(url: str) -> int:
        with seed_session(url) as session:
            territories = add_territories(session)
            session.add_all(Territory(**row) for row in more)
            session.commit()
            forms = engine.FormLibrary(ROOT / "forms")
            with unit_of_work(session):
                engine.deploy_folder(session, ROOT / "processes" / programme, forms, "manager")
            driven = open_case(session, forms, territories)
            driven.close()
            return driven.case.id

    return Seed(name, build, cheap=True)  # a deploy and a case: quicker than a copy


def territory(session, code: str) -> Territory:
    """The territory ``code`` (from the seed)."""
    return session.scalars(select(Territory).where(Territory.code == code)).one()


def record_act(c: CaseSteps, key: str, data: dict, by: engine.Actor, staff=None,
               hour: int = 15) -> Case:
    """At ``hour`` today, ``by`` records act ``key`` with ``data`` from the case file
    (``staff`` looks up the people an act names); the saved workflow is checked after."""
    c.at(hour)
    with unit_of_work(c.session):
        case = engine.perform_act(c.session, c.forms, c.case.id, key, data, by, staff=staff)
    c.check_round_trip()
    return case
