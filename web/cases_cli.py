"""``flask cases migrate`` (running cases of one version moved to another: the per-case plan
with ``--dry-run``, else the batch run one case per transaction) and ``flask cases rollback``
(engine.commands.migrations)."""

import click
from flask.cli import AppGroup

import engine
from engine.commands import migrations

from .case_move_cli import move
from .cli_people import acting_person
from .extensions import db


@click.group(cls=AppGroup)
def cases() -> None:
    """Running cases: migrate them to another version, roll a migration back, repair one."""


def _mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    found = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise click.ClickException(f"--map {pair}: write OLD=NEW (two bpmn ids); "
                                       "nothing changed")
        found[old.strip()] = new.strip()
    return found


def _refused(error: engine.EngineError) -> click.ClickException:
    return click.ClickException(f"{type(error).__name__}: {error}; nothing changed")


def _where(plan: migrations.CasePlan) -> str:
    return ", ".join(f"{e.bpmn_id} ({e.name})" if e.name else e.bpmn_id
                     for e in plan.open if e.name) or "-"


def _echo_plan(plan: migrations.MigrationPlan) -> None:
    for case in plan.cases:
        line = f"case {case.case_id} [{case.territory}, {case.caseworker}] at {_where(case)}: "
        line += case.outcome
        if case.reason:
            details = ", ".join(f"{k}={v}" for k, v in case.params.items())
            line += f" ({case.reason}{': ' + details if details else ''})"
        if case.mapping:
            line += " mapping " + ", ".join(f"{k}={v}" for k, v in case.mapping.items())
        click.echo(line)
        for d in case.deadlines:
            click.echo(f"    {d.bpmn_id} ({d.kind}) {_day(d.now)} -> keep {_day(d.kept)}, "
                       f"recompute {_day(d.recomputed)}")
    click.echo(" ".join(f"{k}={v}" for k, v in plan.totals.items()))


def _day(moment) -> str:
    return moment.isoformat(timespec="minutes") if moment else "-"


@cases.command("migrate")
@click.option("--programme", "programme_key", required=True)
@click.option("--from", "from_version", type=int, required=True)
@click.option("--to", "to_version", type=int, required=True)
@click.option("--territory", help="only the cases of this territory code")
@click.option("--step", help="only the cases at this step (bpmn id)")
@click.option("--caseworker", help="only the cases this person holds")
@click.option("--map", "pairs", multiple=True, help="OLD=NEW: where a removed step goes")
@click.option("--deadlines", type=click.Choice(["keep", "recompute"]), default="keep")
@click.option("--dry-run", is_flag=True, help="print the per-case plan; change nothing")
@click.option("--by", "by", help="who migrates (default: the engine itself)")
def cases_migrate(programme_key, from_version, to_version, territory, step, caseworker, pairs,
                  deadlines, dry_run, by) -> None:
    """Move the running cases of version --from of a programme to version --to."""
    request = migrations.MigrationRequest(programme_key, from_version, to_version, territory,
                                          step, caseworker, _mapping(pairs), deadlines)
    actor = acting_person(by)
    try:
        if dry_run:
            with engine.unit_of_work(db.session, dry_run=True):
                _echo_plan(migrations.plan_migration(db.session, actor, request))
            return
        with engine.unit_of_work(db.session):
            batch_id = migrations.start_batch(db.session, actor, request)
    except engine.EngineError as error:
        raise _refused(error) from error
    click.echo(f"batch {batch_id}")
    progress = migrations.run_batch(db.engine, batch_id, on_case=_echo_case)
    click.echo(f"batch {batch_id} {progress.status}: migrated={progress.migrated} "
               f"skipped={progress.skipped} failed={progress.failed} pending={progress.pending}")


def _echo_case(row) -> None:
    reason = f" ({row.reason})" if row.reason else ""
    click.echo(f"case {row.case_id}: {row.status}{reason}")


@cases.command("rollback")
@click.argument("batch_id", type=int)
@click.option("--case", "case_id", type=int, help="only this case")
@click.option("--by", "by", help="who rolls back (default: the engine itself)")
def cases_rollback(batch_id: int, case_id: int | None, by: str | None) -> None:
    """Give the cases of a batch back the version and state they had before it."""
    actor = acting_person(by)
    try:
        if case_id is not None:
            with engine.unit_of_work(db.session):
                results = [migrations.rollback_case(db.session, actor, batch_id, case_id)]
        else:
            results = migrations.rollback_batch(db.engine, actor, batch_id)
    except engine.EngineError as error:
        raise _refused(error) from error
    for result in results:
        if result.restored:
            click.echo(f"case {result.case_id}: rolled back")
        else:
            details = ", ".join(f"{k}={v}" for k, v in (result.params or {}).items())
            click.echo(f"case {result.case_id}: not rolled back ({result.reason}: {details})")
    if any(not r.restored for r in results):
        raise click.exceptions.Exit(1)


cases.add_command(move)  # `flask cases move` (web/case_move_cli.py)
