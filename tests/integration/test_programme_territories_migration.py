"""Migration 0012 keeps an existing installation working: each programme already deployed
is enabled in the territories of its own country, never in another country's."""

from sqlalchemy import create_engine, text

from tests.conftest import ROOT
from web import create_app


def _upgrade(url: str, revision: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=str(ROOT / "migrations"), revision=revision)


def test_existing_programmes_run_where_their_country_is(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _upgrade(url, "0010_scheduler_heartbeat")
    sql = create_engine(url)
    with sql.begin() as conn:
        conn.execute(text(
            "INSERT INTO territory (id, code, name, country, timezone) VALUES "
            "(1, 'antofagasta', 'Antofagasta', 'CL', 'America/Santiago'), "
            "(2, 'somma_lombardo', 'Somma Lombardo', 'IT', 'Europe/Rome'), "
            "(3, 'la_serena', 'La Serena', 'CL', 'America/Santiago')"))
        conn.execute(text(
            "INSERT INTO programme (key, name, settings, updated_at) VALUES "
            "('familias', 'Familias', '{\"programa\": {\"pais\": \"CL\"}}', '2026-01-01'), "
            "('pippi', 'P.I.P.P.I.', '{\"programa\": {\"pais\": \"IT\"}}', '2026-01-01')"))
    _upgrade(url, "0012_programme_territories")
    with sql.connect() as conn:
        rows = conn.execute(text("SELECT programme_key, territory_id FROM programme_territory "
                                 "ORDER BY programme_key, territory_id")).all()
    sql.dispose()
    assert [tuple(r) for r in rows] == [("familias", 1), ("familias", 3), ("pippi", 2)]
