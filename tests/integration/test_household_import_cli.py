"""``flask households import FILE --programme KEY --territory T [--dry-run]``: the dry run
prints each refused row and the totals and changes nothing; the run writes the rows, prints
the refused ones and keeps the per-row report; a second run changes nothing; wrong input is
one line and exit status 1."""

import pytest
from sqlalchemy import func, select

import engine
from engine import unit_of_work
from engine.persistence.models import Household, HouseholdImport
from tests.conftest import FIXTURES
from tests.integration.import_files import registry_csv, rut_of
from tests.integration.test_cli import add_person

WHERE = ("--programme", "mini", "--territory", "antofagasta")


@pytest.fixture
def cli(app, session, fixture_forms, territories):
    with unit_of_work(session):
        engine.deploy_folder(session, FIXTURES / "mini", fixture_forms, "tester")
    add_person(app, "ana", "caseworker", "antofagasta")
    add_person(app, "jorge", "supervisor", "antofagasta")
    runner = app.test_cli_runner()

    def run(*args):
        result = runner.invoke(args=["households", "import", *args])
        return result.exit_code, result.output

    return run


def count(session, table) -> int:
    return session.scalar(select(func.count()).select_from(table))


def test_dry_run_then_run_then_a_second_run_that_changes_nothing(cli, session, tmp_path):
    text, bad = registry_csv(40, bad_every=10, first=30_000_000)
    path = tmp_path / "rsh.csv"
    path.write_text(text, encoding="latin-1")
    code, output = cli(str(path), *WHERE, "--dry-run", "--by", "jorge")
    lines = output.strip().splitlines()
    assert code == 0, output
    assert lines[0].startswith("40 rows, windows-1252, separator ';'; mapping national_id=RUT")
    assert [line.split(":")[0] for line in lines if "would fail" in line] == \
        [f"row {n}" for n in bad]
    assert lines[-1] == "dry run, nothing changed: created=36 updated=0 unchanged=0 failed=4"
    assert count(session, Household) == count(session, HouseholdImport) == 0

    report = tmp_path / "report.csv"
    code, output = cli(str(path), *WHERE, "--report", str(report))
    assert code == 0, output
    assert output.strip().splitlines()[-1].endswith("created=36 updated=0 unchanged=0 failed=4")
    assert f"row {bad[0]}: failed (national_id: " in output
    assert count(session, Household) == 36
    assert report.read_text(encoding="utf-8").count("\n") == 41

    code, output = cli(str(path), *WHERE)
    assert output.strip().splitlines()[-1].endswith("created=0 updated=0 unchanged=36 failed=4")
    assert count(session, Household) == 36


def test_a_chosen_mapping(cli, session, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(f"doc,fam\n{rut_of(31_000_000)},Rojas\n", encoding="utf-8")
    code, output = cli(str(path), *WHERE, "--map", "national_id=doc", "--map", "family_name=fam")
    assert code == 0 and output.strip().endswith("created=1 updated=0 unchanged=0 failed=0")


@pytest.mark.parametrize("args, words", [
    (("--by", "ana"), "NotAllowed"),
    (("--by", "nadie"), "no active person called nadie"),
    (("--map", "national_id"), "write TARGET=COLUMN"),
    (("--map", "national_id=nope", "--map", "family_name=fam"), "mapping.national_id"),
])
def test_refusals_are_one_line_and_change_nothing(cli, session, tmp_path, args, words):
    path = tmp_path / "export.csv"
    path.write_text(f"doc,fam\n{rut_of(31_000_000)},Rojas\n", encoding="utf-8")
    code, output = cli(str(path), *WHERE, *args)
    assert code == 1 and words in output and len(output.strip().splitlines()) <= 2
    assert count(session, Household) == count(session, HouseholdImport) == 0


def test_a_binary_file_is_refused(cli, session, tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    code, output = cli(str(path), *WHERE)
    assert code == 1 and "file: The file is binary" in output
    assert count(session, HouseholdImport) == 0
