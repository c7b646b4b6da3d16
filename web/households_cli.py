"""``flask households import FILE --programme KEY --territory T [--dry-run]``: a registry
export imported from the command line, the same import as the browser's
(engine.commands.household_imports): the mapping the column names suggest, or ``--map
target=column``; ``--dry-run`` prints what each row would do and changes nothing; otherwise
the rows are written here, each in its own unit of work, and ``--report`` keeps the per-row
report (CSV, cells made safe)."""

from pathlib import Path

import click
from flask.cli import AppGroup

from engine import unit_of_work
from engine.commands import household_import_runs as runs
from engine.commands import household_imports as commands
from engine.core.errors import InvalidInput
from engine.definitions import household_files
from engine.definitions.household_mapping import TARGETS

from .cli_people import acting_person
from .csv_export import csv_text
from .extensions import db


@click.group(cls=AppGroup)
def households() -> None:
    """Households: import them in bulk from a registry export."""


def _mapping(pairs: tuple[str, ...]) -> dict[str, str] | None:
    if not pairs:
        return None
    found = {}
    for pair in pairs:
        target, sep, column = pair.partition("=")
        if not sep or not target.strip() or not column.strip():
            raise click.ClickException(f"--map {pair}: write TARGET=COLUMN; nothing changed")
        found[target.strip()] = column.strip()
    return found


def _errors(errors) -> str:
    return "; ".join(f"{e['field']}: {e['message']}" if isinstance(e, dict)
                     else f"{e.field}: {e.message}" for e in errors or [])


def _refused(error: InvalidInput) -> click.ClickException:
    return click.ClickException(f"nothing changed; {_errors(error.errors)}")


@households.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--programme", "programme_key", required=True)
@click.option("--territory", required=True, help="the territory's code")
@click.option("--map", "pairs", multiple=True,
              help="TARGET=COLUMN (targets: national_id, family_name, address, head_name, "
                   "head_birth_date, head_age, members); default: guessed from the header")
@click.option("--dry-run", is_flag=True, help="print what each row would do; change nothing")
@click.option("--by", "username", help="the person importing (default: the system)")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="write the per-row report (CSV) here")
def import_households(file: Path, programme_key: str, territory: str, pairs: tuple[str, ...],
                      dry_run: bool, username: str | None, report_path: Path | None) -> None:
    """Import the households of FILE (CSV or JSON) into TERRITORY for PROGRAMME."""
    actor = acting_person(username)
    with file.open("rb") as handle:
        content = handle.read(household_files.MAX_BYTES + 1)
    mapping = _mapping(pairs)
    try:
        with unit_of_work(db.session, dry_run=dry_run):
            import_id = commands.upload(db.session, actor, programme_key, territory,
                                        file.name, content)
            if mapping is not None:
                commands.set_mapping(db.session, actor, import_id, mapping)
            found = commands.visible_import(db.session, actor, import_id)
            click.echo(f"{found.row_count} rows, {found.encoding}, "
                       f"{'separator ' + repr(found.separator) if found.separator else 'JSON'}"
                       f"; mapping " + ", ".join(f"{t}={found.mapping[t]}" for t in TARGETS
                                                 if t in found.mapping))
            if dry_run:
                _echo_dry_run(commands.dry_run(db.session, actor, import_id))
                return
            commands.start(db.session, actor, import_id)
    except InvalidInput as error:
        raise _refused(error) from error
    done = runs.run_import(db.engine, import_id)
    rows = runs.report(db.session, import_id)
    for row in rows:
        if row.status == "failed":
            click.echo(f"row {row.row_number}: failed ({_errors(row.errors)})")
    click.echo(f"import {import_id}: " + " ".join(f"{k}={v}" for k, v in done.counts.items()
                                                  if k != "pending"))
    if report_path is not None:
        report_path.write_text(csv_text(
            ("row", "outcome", "national_id", "family_name", "changed", "errors"),
            [(r.row_number, r.status, r.national_id, r.family_name,
              ", ".join(r.changed or []), _errors(r.errors)) for r in rows]), encoding="utf-8")


def _echo_dry_run(dry: commands.DryRun) -> None:
    for row, outcome in dry.rows:
        if outcome.status == "failed":
            click.echo(f"row {row.number}: would fail ({_errors(outcome.errors)})")
        elif outcome.status == "updated":
            click.echo(f"row {row.number}: would update {', '.join(outcome.changed)}")
    click.echo("dry run, nothing changed: " + " ".join(f"{k}={v}"
                                                      for k, v in dry.totals.items()))
