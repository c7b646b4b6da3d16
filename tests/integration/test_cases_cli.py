"""``flask cases migrate`` and ``flask cases rollback`` on the dozen Familias cases of
tests/integration/migration_world.py (figures as in test_case_migration.py)."""

import pytest

from tests.integration.migration_world import MIGRATION_WORLD, seeded
from tests.integration.test_cli import add_person


@pytest.fixture
def database_seed():
    return MIGRATION_WORLD


@pytest.fixture
def cli(app, session, seed_data, real_forms, territories, caseworker, supervisor):
    world = seeded(session, real_forms, caseworker, supervisor, seed_data)
    add_person(app, "marta", "manager", "antofagasta")
    runner = app.test_cli_runner()

    def run(*args):
        result = runner.invoke(args=["cases", *args])
        return result.exit_code, result.output

    run.world = world
    yield run
    world.first.close()


MIGRATE = ("migrate", "--programme", "familias", "--from", "1", "--to", "2")


def test_the_dry_run_prints_each_case_and_the_totals(cli):
    code, output = cli(*MIGRATE, "--dry-run", "--by", "marta")
    lines = output.strip().splitlines()
    assert code == 0 and len([line for line in lines if line.startswith("case ")]) == 12
    assert lines[-1] == "moves=8 moves_mapped=0 needs_mapping=3 cannot_move=1 total=12"
    plan_case = cli.world.case_ids("plan")[0]
    assert any(line.startswith(f"case {plan_case} ") and "needs_mapping "
               "(migration.needs_mapping: element=plan" in line for line in lines)
    assert any("atraso_primer_contacto (escalation)" in line and "recompute" in line
               for line in lines)


BAD = [
    ("migrate", "--programme", "nada", "--from", "1", "--to", "2"),
    ("migrate", "--programme", "familias", "--from", "7", "--to", "2"),
    ("migrate", "--programme", "familias", "--from", "2", "--to", "2"),
    (*MIGRATE, "--map", "plan"),
    (*MIGRATE, "--by", "nadie"),
    ("rollback", "99"),
]


def test_bad_input_is_refused_in_one_line_and_changes_nothing(cli):
    for args in BAD:
        code, output = cli(*args)
        assert code == 1 and len(output.strip().splitlines()) == 1, args
        assert "nothing changed" in output and "Traceback" not in output, args
    assert cli(*MIGRATE, "--dry-run")[1].strip().splitlines()[-1].startswith("moves=8 ")


def test_a_run_migrates_the_cases_and_a_rollback_gives_them_back(cli):
    code, output = cli(*MIGRATE, "--map", "plan=diagnostico", "--by", "marta")
    assert code == 0, output
    assert output.strip().splitlines()[-1] == (
        "batch 1 done: migrated=11 skipped=1 failed=0 pending=0")
    assert "(migration.paused)" in output
    one = cli.world.case_ids("plan")[0]
    assert cli("rollback", "1", "--case", str(one), "--by", "marta") == (
        0, f"case {one}: rolled back\n")
    code, output = cli("rollback", "1")
    assert code == 0 and output.count("rolled back") == 10
