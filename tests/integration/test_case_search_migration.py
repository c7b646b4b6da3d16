"""Migration 0018 gives every household registered before it its search text (and takes it
away on downgrade), as engine.definitions.households.search_text would have written it."""

from sqlalchemy import create_engine, text

from engine.definitions import households
from tests.integration.test_household_migration import migrate

MEMBERS = '[{"name": "Tomás Núñez", "national_id": "111111111"}, {"nombre": "Carla"}]'


def test_households_before_the_migration_are_found_after_it(database_url):
    migrate(database_url, "0017_incident_messages", down=True)
    try:
        sql = create_engine(database_url)
        with sql.begin() as conn:
            conn.execute(text("INSERT INTO territory (id, code, name, country, timezone) "
                              "VALUES (1, 't', 'T', 'CL', 'America/Santiago')"))
            conn.execute(text("INSERT INTO household (id, territory_id, family_name, members, "
                              "national_key) VALUES (1, 1, 'Rojas Pérez', :members, "
                              "'123456785')"), {"members": MEMBERS})
        migrate(database_url, "0018_case_search")
        with sql.connect() as conn:
            found = conn.execute(text("SELECT search_text FROM household")).scalar_one()
        assert found == " rojas perez 123456785 tomas nunez 111111111 carla "
        assert found == households.search_text(
            "Rojas Pérez", [{"name": "Tomás Núñez", "national_id": "111111111"},
                            {"nombre": "Carla"}], "123456785")
        migrate(database_url, "0017_incident_messages", down=True)
        with sql.connect() as conn:
            columns = conn.execute(text("SELECT * FROM household")).keys()
        assert "search_text" not in columns
        sql.dispose()
    finally:
        migrate(database_url, "head")
