"""Two hundred Programa Familias cases at different stages, and version 2 to move them to.

The twelve real cases of tests/integration/migration_world.py (walked through the engine), each
copied (tests/case_copies.py: its rows with new ids and task ids) so that, of the 200:

* 34 wait for their first contact, 34 for their entry, 51 for their diagnosis,
* 51 sit at the Plan Familiar (the step version 2 removes),
* 20 are in the accompaniment (first session open, monthly wait running),
* 10 wait for their diagnosis with their deadlines paused (they cannot move).

Hand-computed from that: without a mapping 139 move by themselves (34 + 34 + 51 + 20), 51 need
a mapping and 10 cannot move; with ``plan=diagnostico`` the 51 move mapped.
"""

from sqlalchemy import create_engine, select

from engine.persistence.models import Case
from tests.case_copies import copy_case
from tests.integration.migration_world import MIGRATION_WORLD, STAGES
from tests.templates import Seed

EACH = {"primer_contacto": 17, "ingreso": 17, "diagnostico": 17, "plan": 17, "sesion": 20,
        "paused": 10}  # how many cases each of the twelve becomes
EXPECTED = {"moves": 139, "moves_mapped": 0, "needs_mapping": 51, "cannot_move": 10,
            "total": 200}
EXPECTED_MAPPED = {**EXPECTED, "moves_mapped": 51, "needs_mapping": 0}


def _seed(url: str) -> dict[str, list[int]]:
    """The twelve cases copied up to 200; the case ids of each stage."""
    sql = create_engine(url)
    try:
        with sql.begin() as conn:
            originals = list(conn.scalars(select(Case.id).order_by(Case.id)))
            for case_id, stage in zip(originals, STAGES, strict=True):
                copy_case(conn, case_id, EACH[stage] - 1)
        with sql.connect() as conn:
            ids = list(conn.scalars(select(Case.id).order_by(Case.id)))
    finally:
        sql.dispose()
    by_stage: dict[str, list[int]] = {stage: [] for stage in EACH}
    stage_of = dict(zip(originals, STAGES, strict=True))
    copies = iter(ids[len(originals):])
    for case_id, stage in zip(originals, STAGES, strict=True):
        by_stage[stage].append(case_id)
        by_stage[stage].extend(next(copies) for _ in range(EACH[stage_of[case_id]] - 1))
    return by_stage


MIGRATION_CROWD = Seed("migration_crowd", _seed, parent=MIGRATION_WORLD)
