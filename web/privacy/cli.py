"""``flask privacy``: the retention run (``retention [--dry-run]``), one household member's
erasure (``erase``) and their export (``export``, JSON or printable HTML). Each acts as the
administrator ``--by`` (the system when left out, for the retention job)."""

import json
from pathlib import Path

import click
from flask import current_app, render_template
from flask.cli import with_appcontext

import engine
from engine import unit_of_work

from ..cli_errors import moment
from ..cli_people import acting_person
from ..extensions import db
from .views import SECTION_NAMES, pretty


@click.group("privacy")
def privacy() -> None:
    """Personal data: retention, erasure and export."""


@privacy.command("retention")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="list the households due; change nothing")
@click.option("--at", "at", help="act as of this moment (ISO 8601)")
@click.option("--by", "by", help="the administrator who runs it (default: the system)")
def retention(dry_run: bool, at: str | None, by: str | None) -> None:
    """Anonymise every household past its programmes' retention (or list them)."""
    with unit_of_work(db.session, dry_run=dry_run):
        run = engine.privacy.run_retention(db.session, acting_person(by), moment(at))
    for due in run.due:
        click.echo(f"household {due.household_id} ({due.territory}): cases "
                   f"{', '.join(map(str, due.case_ids))} closed {due.closed_at.date()}, "
                   f"retention ended {due.expired_at.date()}")
    verb = "would be anonymised (dry run: nothing changed)" if dry_run else "anonymised"
    click.echo(f"{len(run.due)} household(s) {verb}")


@privacy.command("erase")
@with_appcontext
@click.option("--household", type=int, required=True, help="the household id")
@click.option("--member", type=click.IntRange(1, 999), required=True,
              help="the member's number in the household, from 1")
@click.option("--by", "by", required=True, help="the administrator who erases")
def erase(household: int, member: int, by: str) -> None:
    """Erase one household member's data everywhere (refused under a legal hold)."""
    with unit_of_work(db.session):
        done = engine.privacy.erase_member(db.session, acting_person(by), household, member - 1)
    if done.status == "refused":
        raise click.ClickException(f"refused ({done.reason}): {json.dumps(done.params)}")
    rows = sum(done.counts.values())
    click.echo(f"member {member} of household {household} erased: {rows} row(s) rewritten "
               f"(request {done.id})")


@privacy.command("export")
@with_appcontext
@click.option("--household", type=int, required=True, help="the household id")
@click.option("--member", type=click.IntRange(1, 999), required=True,
              help="the member's number in the household, from 1")
@click.option("--by", "by", required=True, help="the administrator who asks")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="the file to write (.html: printable page; else JSON)")
def export(household: int, member: int, by: str, output: Path) -> None:
    """Write everything held about one household member to a file."""
    with unit_of_work(db.session):
        got = engine.privacy.export_member(db.session, acting_person(by), household, member - 1)
    if output.suffix.lower() in (".html", ".htm"):
        with current_app.test_request_context():
            text = render_template("privacy/export.html", export=got, pretty=pretty,
                                   section_names=SECTION_NAMES)
    else:
        text = json.dumps(got.as_json(), ensure_ascii=False, indent=2, default=str)
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror}") from error
    click.echo(f"wrote {output} (request {got.request_id})")
