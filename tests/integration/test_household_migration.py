"""Migration 0014 moves every stored member to the canonical shape (and back on downgrade)."""

import json

from sqlalchemy import create_engine, text

from tests.conftest import ROOT
from web import create_app

LEGACY = '[{"nombre": "Carla Rojas", "edad": 34}, {"nome": "Luca", "eta": 7, "note": "x"}]'


def migrate(url: str, revision: str, down: bool = False) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        from flask_migrate import downgrade, upgrade

        (downgrade if down else upgrade)(directory=str(ROOT / "migrations"), revision=revision)


def members(url: str) -> list:
    sql = create_engine(url)
    with sql.connect() as conn:
        found = conn.execute(text("SELECT members FROM household")).scalar_one()
    sql.dispose()
    return found if isinstance(found, list) else json.loads(found)


def test_members_move_to_the_canonical_shape_and_back(database_url):
    migrate(database_url, "0010_scheduler_heartbeat", down=True)
    try:
        sql = create_engine(database_url)
        with sql.begin() as conn:
            conn.execute(text("INSERT INTO territory (id, code, name, country, timezone) "
                              "VALUES (1, 't', 'T', 'CL', 'America/Santiago')"))
            conn.execute(text("INSERT INTO household (id, territory_id, family_name, members) "
                              "VALUES (1, 1, 'Rojas', :members)"), {"members": LEGACY})
        sql.dispose()
        migrate(database_url, "0014_households")
        assert members(database_url) == [{"name": "Carla Rojas", "age": 34},
                                         {"name": "Luca", "age": 7, "note": "x"}]
        migrate(database_url, "0010_scheduler_heartbeat", down=True)
        assert members(database_url)[0] == {"nombre": "Carla Rojas", "edad": 34}
    finally:
        migrate(database_url, "head")
