"""The web app's people and the dozen Familias cases of tests/integration/migration_world.py
(allocated on 2 March 2026, left at different steps by 6 March; version 2 removes the plan
step where three of them sit), with two managers: Marta (Antofagasta, Chile) and Paola (Somma
Lombardo, Italy). Seeded once per database kind (:data:`MIGRATION_PAGES`)."""

import tempfile
from datetime import date
from pathlib import Path

from sqlalchemy import select

import engine
from engine import unit_of_work
from engine.persistence.models import Territory
from tests.conftest import ROOT
from tests.e2e.conftest import PASSWORD, WEB, in_web_app
from tests.integration.familias_driver import SANTIAGO, FamiliaCase
from tests.integration.familias_versions import familias_v2_migration
from tests.integration.migration_world import ALLOCATED, LEFT_ON, STAGES, _bring
from tests.integration.test_familias_two_versions import LaterFamily
from tests.templates import Seed
from web.auth.models import User
from web.auth.passwords import hash_password
from web.extensions import db

MANAGERS = [("marta", "Marta Ibáñez", "antofagasta"), ("paola", "Paola Conti", "somma_lombardo")]
LEFT_AT = "2026-03-06T12:00:00+00:00"  # 09:00 in Antofagasta on the day the cases were left


def _build() -> dict:
    territories = {t.code: t for t in db.session.scalars(select(Territory))}
    for username, name, code in MANAGERS:
        db.session.add(User(username=username, full_name=name, roles="manager",
                            password_hash=hash_password(PASSWORD),
                            territories=[territories[code]]))
    db.session.commit()
    antofagasta = frozenset({territories["antofagasta"].id})
    ana = engine.Actor("ana", frozenset({"caseworker"}), antofagasta)
    jorge = engine.Actor("jorge", frozenset({"supervisor"}), antofagasta)
    forms = engine.FormLibrary(ROOT / "forms")
    first = FamiliaCase(db.session, forms, ana, jorge, ALLOCATED, family="Familia 0")
    try:
        families = [first] + [LaterFamily(first, f"Familia {n}") for n in range(1, len(STAGES))]
        first.wait_until(date(2026, 3, 3))
        for family, stage in zip(families, STAGES, strict=True):
            _bring(first, family, stage)
        first.wait_until(LEFT_ON)
        with tempfile.TemporaryDirectory() as tmp:
            folder, v2_forms = familias_v2_migration(Path(tmp))
            with unit_of_work(db.session):
                engine.deploy_folder(db.session, folder, v2_forms, "marta")
    finally:
        first.close()
    return {stage: [f.case.id for f, s in zip(families, STAGES, strict=True) if s == stage]
            for stage in dict.fromkeys(STAGES)}


MIGRATION_PAGES = Seed("migration_pages", in_web_app(_build), WEB)
ZONE = SANTIAGO
