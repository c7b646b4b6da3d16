"""Seeds are built once per database kind and every test gets a copy of its own: what one test
changes in its copy is not in the next one's, and a seed's build never runs twice."""

from sqlalchemy import create_engine, select

from engine.persistence.models import Territory
from tests.conftest import add_territories, seed_session
from tests.templates import Seed

builds = []


def two_territories(url: str) -> dict[str, int]:
    builds.append(url)
    with seed_session(url) as session:
        return {code: t.id for code, t in add_territories(session).items()}


def add_coquimbo(url: str) -> str:
    with seed_session(url) as session:
        session.add(Territory(code="coquimbo", name="Coquimbo", country="CL", region="CO",
                              timezone="America/Santiago"))
        session.commit()
    return "coquimbo"


TWO_TERRITORIES = Seed("two_territories", two_territories)
WITH_COQUIMBO = Seed("with_coquimbo", add_coquimbo, parent=TWO_TERRITORIES)


def codes(url: str) -> list[str]:
    sql = create_engine(url)
    try:
        with sql.connect() as conn:
            return sorted(conn.scalars(select(Territory.code)))
    finally:
        sql.dispose()


def test_each_copy_starts_from_the_seed_whatever_another_copy_did(seed_templates, tmp_path):
    (tmp_path / "1").mkdir(), (tmp_path / "2").mkdir()
    first, data = seed_templates.copy_for_test(TWO_TERRITORIES, tmp_path / "1")
    assert codes(first) == ["antofagasta", "somma_lombardo"] and set(data) == set(codes(first))
    sql = create_engine(first)
    with sql.begin() as conn:
        conn.execute(Territory.__table__.delete().where(Territory.code == "antofagasta"))
    sql.dispose()
    second, again = seed_templates.copy_for_test(TWO_TERRITORIES, tmp_path / "2")
    assert codes(first) == ["somma_lombardo"]
    assert codes(second) == ["antofagasta", "somma_lombardo"] and again == data
    kind = first.split(":")[0]
    assert [url for url in builds if url.startswith(kind)] == [seed_templates.template(
        TWO_TERRITORIES)[0]]  # built once (for this database kind), copied twice
    seed_templates.drop_test_copy(first)
    seed_templates.drop_test_copy(second)


def test_a_seed_builds_on_its_parent(seed_templates, tmp_path):
    url, data = seed_templates.copy_for_test(WITH_COQUIMBO, tmp_path)
    assert data == "coquimbo"
    assert codes(url) == ["antofagasta", "coquimbo", "somma_lombardo"]
    seed_templates.drop_test_copy(url)
