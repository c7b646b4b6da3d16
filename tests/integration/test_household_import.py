"""Bulk household import from a registry export: a dry run row by row, then the run one row
per transaction; the natural key (the reference person's RUT) makes a second run of the same
file change nothing; only supervisors, managers and administrators of the territory import,
for a programme enabled there."""

import json
import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

import engine
from engine import unit_of_work
from engine.commands import household_import_runs as runs
from engine.commands import household_imports as imports
from engine.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from engine.persistence.models import AdminEvent, Household, HouseholdImportRow
from tests.conftest import FIXTURES
from tests.integration.import_files import bad_rut, registry_csv, rut_of

MARCH_2 = datetime(2026, 3, 2, 12, tzinfo=UTC)


@pytest.fixture
def world(session, fixture_forms, territories):
    """The mini programme (Chile) deployed: enabled in Antofagasta."""
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")
    return territories


def jorge(world) -> engine.Actor:
    return engine.Actor.of_roles("jorge", [(world["antofagasta"].id, "supervisor")])


def uploaded(session, actor, text: str | bytes, filename: str = "rsh.csv",
             territory: str = "antofagasta") -> int:
    content = text.encode("utf-8") if isinstance(text, str) else text
    with unit_of_work(session):
        return imports.upload(session, actor, "mini", territory, filename, content, now=MARCH_2)


def run(session, sql_engine, actor, import_id: int) -> runs.Progress:
    with unit_of_work(session):
        imports.start(session, actor, import_id, now=MARCH_2)
    return runs.run_import(sql_engine, import_id)


def households(session) -> int:
    return session.scalar(select(func.count()).select_from(Household))


def test_five_thousand_households_with_fifty_bad_rows_and_a_second_run_changes_nothing(
        session, sql_engine, world):
    text, bad_lines = registry_csv(5000, bad_every=100)
    actor = jorge(world)
    began = time.monotonic()
    first = uploaded(session, actor, text)
    planned = imports.dry_run(session, actor, first)
    assert planned.totals == {"created": 4950, "updated": 0, "unchanged": 0, "failed": 50}
    assert [row.number for row, outcome in planned.rows if outcome.status == "failed"] \
        == bad_lines
    assert households(session) == 0  # a dry run writes nothing

    done = run(session, sql_engine, actor, first)
    assert done.finished and done.counts["created"] == 4950 and done.counts["failed"] == 50
    report = runs.report(session, first)
    failed = [r for r in report if r.status == "failed"]
    assert [r.row_number for r in failed] == bad_lines
    assert {e["field"] for r in failed for e in r.errors} == {"national_id"}
    assert {e["code"] for r in failed for e in r.errors} == {"national_id_checksum"}
    assert households(session) == 4950
    one = session.scalars(select(Household)
                          .where(Household.national_key == _key(10_000_000))).one()
    assert one.family_name == "Familia 0" and one.address == "Calle 0 123"
    assert [m["name"] for m in one.members] == ["Jefa 0", "Hijo 0", "Hija 0"]
    assert one.members[0] == {"name": "Jefa 0", "relationship": "head",
                              "national_id": _key(10_000_000), "birth_date": "1980-02-01"}
    assert one.members[1]["relationship"] == "child" and one.members[1]["age"] == 12

    second = uploaded(session, actor, text)
    again = run(session, sql_engine, actor, second)
    assert again.counts == {"pending": 0, "created": 0, "updated": 0, "unchanged": 4950,
                            "failed": 50}
    assert households(session) == 4950
    elapsed = time.monotonic() - began
    print(f"5,000 rows imported twice in {elapsed:.1f} s")
    assert elapsed < 30


def _key(number: int) -> str:
    return rut_of(number).replace(".", "").replace("-", "")


def test_a_changed_row_updates_only_what_changed_and_a_bad_one_changes_nothing(
        session, sql_engine, world):
    actor = jorge(world)
    header = "RUT;Apellidos;Dirección\n"
    first = uploaded(session, actor, header + f"{rut_of(11_000_000)};Rojas;Calle 1\n"
                     f"{rut_of(11_000_001)};Soto;Calle 2\n")
    run(session, sql_engine, actor, first)
    file = (header + f"{rut_of(11_000_000)};Rojas;Pasaje 9\n"
            f"{rut_of(11_000_001)};;Calle 7\n"
            f"{rut_of(11_000_002)};Díaz;Calle 3\n")
    second = uploaded(session, actor, file)
    outcomes = {row.number: outcome for row, outcome in imports.dry_run(session, actor,
                                                                         second).rows}
    assert outcomes[2].status == "updated" and outcomes[2].changed == ["address"]
    assert outcomes[3].status == "failed"
    assert [(e.field, e.code) for e in outcomes[3].errors] == [("family_name", "required")]
    assert outcomes[4].status == "created"
    run(session, sql_engine, actor, second)
    rows = {r.row_number: r for r in runs.report(session, second)}
    assert rows[2].status == "updated" and rows[2].changed == ["address"]
    soto = session.scalars(select(Household).where(Household.family_name == "Soto")).one()
    assert soto.address == "Calle 2"  # its row was refused: nothing of it written
    assert households(session) == 3


def test_a_national_id_twice_in_one_file_is_refused_on_its_later_row(session, world):
    actor = jorge(world)
    key = rut_of(12_000_000)
    found = uploaded(session, actor, f"RUT,Apellidos\n{key},Rojas\n"
                     f"{key.replace('.', '')},Rojas Díaz\n")
    rows = imports.dry_run(session, actor, found).rows
    assert [o.status for _r, o in rows] == ["created", "failed"]
    assert [(e.code, e.limit) for e in rows[1][1].errors] == [("duplicate", 2)]


def test_the_mapping_is_chosen_per_file_and_checked(session, sql_engine, world):
    actor = jorge(world)
    found = uploaded(session, actor, "documento_jefe;familia_rsh;calle\n"
                     f"{rut_of(13_000_000)};Pérez;Los Aromos 4\n")
    with pytest.raises(InvalidInput) as refused:
        imports.dry_run(session, actor, found)
    assert {e.field for e in refused.value.errors} == {"mapping.national_id",
                                                       "mapping.family_name"}
    with pytest.raises(InvalidInput) as refused, unit_of_work(session):
        imports.set_mapping(session, actor, found, {"national_id": "documento_jefe",
                                                    "family_name": "apellido", "color": "x"})
    assert {(e.field, e.code) for e in refused.value.errors} == {
        ("mapping.family_name", "columns"), ("mapping.color", "unknown")}
    with unit_of_work(session):
        imports.set_mapping(session, actor, found, {"national_id": "documento_jefe",
                                                    "family_name": "familia_rsh",
                                                    "address": "calle"})
    assert run(session, sql_engine, actor, found).counts["created"] == 1
    trail = session.scalars(select(AdminEvent).where(AdminEvent.kind == "households_imported")
                            ).one()
    assert (trail.actor, trail.territory, trail.data["rows"]) == ("jorge", "antofagasta", 1)
    with pytest.raises(Conflict), unit_of_work(session):
        imports.set_mapping(session, actor, found, {"national_id": "calle",
                                                    "family_name": "calle"})


def test_a_json_export_with_member_lists(session, sql_engine, world):
    actor = jorge(world)
    payload = json.dumps({"hogares": [
        {"rut": rut_of(14_000_000), "apellidos": "Araya", "integrantes": [
            {"nombre": "Luz Araya", "edad": 40, "parentesco": "head"},
            {"name": "Leo Araya", "age": "x"}]},
        {"rut": rut_of(14_000_001), "apellidos": "Bravo", "integrantes": [
            {"name": "Ana Bravo", "age": 30}]}]})
    found = uploaded(session, actor, payload, "export.json")
    rows = imports.dry_run(session, actor, found).rows
    assert rows[0][1].status == "failed"
    assert [e.field for e in rows[0][1].errors] == ["members[1].age"]
    assert rows[1][1].status == "created"


def test_only_supervisors_managers_and_admins_of_the_territory_import(session, world):
    antofagasta, somma = world["antofagasta"], world["somma_lombardo"]
    text = f"RUT;Apellidos\n{rut_of(15_000_000)};Rojas\n"
    ana = engine.Actor.of_roles("ana", [(antofagasta.id, "caseworker")])
    with pytest.raises(NotAllowed) as refused:
        uploaded(session, ana, text)
    assert refused.value.code == "policy.not_allowed"
    # a supervisor elsewhere who is only a caseworker here
    mixed = engine.Actor.of_roles("eva", [(antofagasta.id, "caseworker"),
                                          (somma.id, "supervisor")])
    with pytest.raises(NotAllowed) as refused:
        uploaded(session, mixed, text)
    assert refused.value.code == "policy.import_not_allowed"
    stranger = engine.Actor.of_roles("lia", [(somma.id, "supervisor")])
    with pytest.raises(NotAllowed) as refused:
        uploaded(session, stranger, text)
    assert refused.value.code == "policy.not_in_territory"
    with pytest.raises(NotAllowed) as refused:  # mini is Chilean: not enabled in Italy
        uploaded(session, stranger, text, territory="somma_lombardo")
    assert refused.value.code == "policy.programme_not_enabled"
    manager = engine.Actor.of_roles("marta", [(antofagasta.id, "manager")])
    found = uploaded(session, manager, text)
    with pytest.raises(NotFound):  # another territory's person does not see it
        imports.dry_run(session, stranger, found)
    assert session.scalar(select(func.count()).select_from(HouseholdImportRow)) == 0


def test_a_killed_runner_leaves_its_row_pending_and_the_next_runner_goes_on(
        session, sql_engine, world):
    actor = jorge(world)
    text, _bad = registry_csv(30, first=16_000_000)
    found = uploaded(session, actor, text)
    with unit_of_work(session):
        imports.start(session, actor, found, now=MARCH_2)
    assert runs.run_next(sql_engine, found, limit=10) == 10
    assert found in runs.unfinished(session)
    middle = runs.progress(session, found)
    assert (middle.done, middle.total, middle.finished) == (10, 30, False)
    assert runs.run_import(sql_engine, found).counts["created"] == 30
    assert runs.unfinished(session) == []


def test_a_bad_rut_of_another_form_and_an_unreadable_age(session, world):
    actor = jorge(world)
    found = uploaded(session, actor, "RUT;Apellidos;Nombre;Edad\n"
                     f"{bad_rut(17_000_000)};A;Ana;40\nnot-a-rut;B;Bea;40\n"
                     f"{rut_of(17_000_002)};C;Cata;cuarenta\n")
    errors = [[(e.field, e.code) for e in o.errors]
              for _r, o in imports.dry_run(session, actor, found).rows]
    assert errors[0] == [("national_id", "national_id_checksum")]
    assert errors[1][0] == ("national_id", "national_id_format")
    assert errors[2] == [("head_age", "whole_number")]


def test_a_row_that_fails_while_written_is_undone_alone(session, sql_engine, world):
    actor = jorge(world)
    text, _bad = registry_csv(5, first=18_000_000)
    found = uploaded(session, actor, text)
    with unit_of_work(session):
        imports.start(session, actor, found, now=MARCH_2)
    broken = session.scalars(select(HouseholdImportRow).where(
        HouseholdImportRow.import_id == found, HouseholdImportRow.row_number == 4)).one()
    with unit_of_work(session):  # as if the row held what no file gives: a number as key
        broken.data = {**broken.data, "national_id": 18_000_002}
    done = runs.run_import(sql_engine, found)
    assert done.counts["created"] == 4 and done.counts["failed"] == 1
    session.expire_all()
    row = session.get(HouseholdImportRow, broken.id)
    assert row.status == "failed" and row.errors[0]["code"] == "import.row_failed"
    assert row.household_id is None
    assert households(session) == 4


@pytest.mark.postgresql_only  # row locks (skip_locked); SQLite runs one runner at a time
def test_two_runners_share_an_import_and_no_row_is_written_twice(session, sql_engine, world):

    actor = jorge(world)
    text, _bad = registry_csv(400, bad_every=40, first=19_000_000)
    found = uploaded(session, actor, text)
    with unit_of_work(session):
        imports.start(session, actor, found, now=MARCH_2)
    taken = []
    runners = [threading.Thread(target=lambda: taken.append(runs.run_next(
        sql_engine, found, limit=1000))) for _ in range(2)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join(120)
    assert sum(taken) == 400  # the 10 bad RUTs are refused by the runners too
    assert households(session) == 390
    assert runs.progress(session, found).counts == {"pending": 0, "created": 390, "updated": 0,
                                                    "unchanged": 0, "failed": 10}


def test_an_italian_export_keyed_by_codice_fiscale(session, sql_engine, fixture_forms, world,
                                                   tmp_path):
    from tests.integration.test_households import italian_mini

    with unit_of_work(session):
        engine.deploy_folder(session, italian_mini(tmp_path), fixture_forms, "tester")
    marco = engine.Actor.of_roles("marco", [(world["somma_lombardo"].id, "supervisor")])
    text = ("codice_fiscale,Cognome,Indirizzo,Componenti\n"
            "rssmra85t10a562s,Rossi,Via Roma 1,\"Luca Rossi, 9, figlio\"\n"
            "RSSMRA85T10A562T,Bianchi,Via Po 2,\n")
    with unit_of_work(session):
        found = imports.upload(session, marco, "mini_it", "somma_lombardo", "anagrafe.csv",
                               text.encode("utf-8"), now=MARCH_2)
    with unit_of_work(session):
        imports.start(session, marco, found, now=MARCH_2)
    done = runs.run_import(sql_engine, found)
    assert done.counts["created"] == 1 and done.counts["failed"] == 1
    rossi = session.scalars(select(Household).where(Household.family_name == "Rossi")).one()
    assert rossi.national_key == "RSSMRA85T10A562S"
    assert rossi.members == [{"name": "Luca Rossi", "age": 9, "relationship": "child"}]
    failed = [r for r in runs.report(session, found) if r.status == "failed"][0]
    assert failed.errors[0]["code"] == "national_id_checksum"
