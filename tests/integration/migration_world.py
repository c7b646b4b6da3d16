"""A dozen Programa Familias cases at different stages, and a version 2 to move them to.

On Monday 2 March 2026 twelve families are allocated in Antofagasta; by Friday 6 March:

* 2 wait for their first contact, 2 for their entry, 3 for their diagnosis,
* 3 sit at the Plan Familiar (a step version 2 removes),
* 1 is in the accompaniment (its first session open, its monthly wait running),
* 1 waits for its diagnosis with its deadlines paused (it cannot move).

Version 2 (tests/integration/familias_versions.familias_v2_migration) adds a last step after the
egreso, removes the plan step and adds a field to the session form.
"""

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import engine
from engine import unit_of_work
from engine.persistence.models import Case
from tests.conftest import ROOT, add_territories, ana, jorge, seed_session
from tests.integration.case_driver import CaseSteps, Timeline
from tests.integration.familias_driver import SANTIAGO, FamiliaCase
from tests.integration.familias_versions import familias_v2_migration
from tests.integration.test_familias_two_versions import LaterFamily
from tests.templates import Seed
from web.demo_data import contacto, diagnostico, ingreso, plan

ALLOCATED = date(2026, 3, 2)
LEFT_ON = date(2026, 3, 6)
STAGES = (["primer_contacto"] * 2 + ["ingreso"] * 2 + ["diagnostico"] * 3 + ["plan"] * 3
          + ["sesion", "paused"])
STEPS = [("primer_contacto", contacto), ("ingreso", ingreso), ("diagnostico", diagnostico),
         ("plan", plan)]


@dataclass
class World:
    """The first family (who holds the clock), all twelve, and where each was left."""

    first: FamiliaCase
    families: list
    stages: list[str]

    def case_ids(self, stage: str) -> list[int]:
        """The cases left at ``stage``."""
        return [f.case.id for f, s in zip(self.families, self.stages, strict=True) if s == stage]


def build(session, forms, caseworker, supervisor, tmp_path) -> World:
    """Deploy version 1, bring the twelve cases to their stages, deploy version 2."""
    with unit_of_work(session):
        engine.deploy_folder(session, ROOT / "processes" / "familias", forms, "manager")
    first = FamiliaCase(session, forms, caseworker, supervisor, ALLOCATED, family="Familia 0")
    families = [first] + [LaterFamily(first, f"Familia {n}") for n in range(1, len(STAGES))]
    first.wait_until(date(2026, 3, 3))
    for family, stage in zip(families, STAGES, strict=True):
        _bring(first, family, stage)
    first.wait_until(LEFT_ON)
    folder, v2_forms = familias_v2_migration(tmp_path)
    with unit_of_work(session):
        engine.deploy_folder(session, folder, v2_forms, "equipo-procesos")
    return World(first, families, list(STAGES))


def _bring(first: FamiliaCase, family, stage: str) -> None:
    goal = "diagnostico" if stage == "paused" else stage
    for step, data in STEPS:
        if step == goal:
            break
        family.complete(step, data(first.today))
    if stage == "paused":
        with unit_of_work(first.session):
            engine.pause_deadlines(first.session, family.case.id, first.supervisor,
                                   "familia fuera de la comuna")


def _seed(url: str) -> list[int]:
    """The world built once into a template database: the case ids, in STAGES order."""
    with seed_session(url) as session, tempfile.TemporaryDirectory() as tmp:
        territories = add_territories(session)
        world = build(session, engine.FormLibrary(ROOT / "forms"), ana(territories),
                      jorge(territories), Path(tmp))
        world.first.close()
        return [f.case.id for f in world.families]


MIGRATION_WORLD = Seed("migration_world", _seed)


class Clock(Timeline):
    """The seeded world's clock, going on from the day its cases were left."""

    zone = SANTIAGO

    def __init__(self, session, forms, caseworker, supervisor):
        self.session, self.forms = session, forms
        self.caseworker, self.supervisor = caseworker, supervisor
        self.start_clock(LEFT_ON)


class SeededFamily(CaseSteps):
    """One seeded case, living on the world's clock."""

    def __init__(self, clock: Clock, case: Case):
        self.first, self.zone, self.case = clock, clock.zone, case
        self.session, self.forms = clock.session, clock.forms
        self.caseworker, self.supervisor = clock.caseworker, clock.supervisor

    @property
    def today(self) -> date:
        return self.first.today

    def at(self, hour: int, minute: int = 0):
        return self.first.at(hour, minute)

    def review_data(self) -> dict:
        return {"accion": "contactar_afi"}


def seeded(session, forms, caseworker, supervisor, case_ids: list[int]) -> World:
    """The seeded world on this test's copy of the database, its clock started."""
    clock = Clock(session, forms, caseworker, supervisor)
    families = [SeededFamily(clock, session.get(Case, case_id)) for case_id in case_ids]
    return World(clock, families, list(STAGES))
