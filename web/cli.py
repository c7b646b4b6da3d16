"""Command line: ``flask deploy``, ``flask case …``, ``flask task …``, ``flask timers fire``,
``flask settings …`` (web/settings_cli.py), ``flask programme …`` (web/programme_cli.py),
``flask process import|export`` (web/process_cli.py), ``flask cases migrate|rollback|move``
(web/cases_cli.py)."""

import json
from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

import engine
from engine import unit_of_work
from engine.commands.territories import add_territory

from .auth.people import staff_member
from .cli_errors import moment, one_line
from .extensions import db

ROLES = engine.policy.ROLES


def register(app: Flask) -> None:
    """Add the Acompaña command groups to ``app.cli``."""
    from .api.tokens_cli import tokens
    from .cases_cli import cases
    from .demo import demo
    from .households_cli import households
    from .people_cli import user
    from .privacy.cli import privacy
    from .process_cli import process
    from .programme_cli import programme
    from .settings_cli import settings
    from .territory_cli import territory_edit  # noqa: F401 - its commands join `territory`
    from .users_cli import admin, users

    for command in (deploy, case, task, timers, territory, serve, demo, settings, user,
                    programme, process, cases, admin, users, privacy, tokens, households):
        app.cli.add_command(one_line(command))


def _forms() -> engine.FormLibrary:
    return current_app.extensions["acompana.forms"]


def _moment(value: str | None) -> datetime | None:
    return moment(value)


def _actor(user: str, roles: tuple[str, ...]) -> engine.Actor:
    return engine.Actor(user, frozenset(roles or ROLES), None)


def _fail(error: engine.EngineError) -> None:
    if isinstance(error, engine.InvalidTaskData):
        lines = "; ".join(f"{e.field}: {e.message}" for e in error.errors)
        raise click.ClickException(f"invalid data for {error.form_key}: {lines}")
    raise click.ClickException(f"{type(error).__name__}: {error}")


at_option = click.option("--at", "at", help="act as of this ISO date-time (default: now)")
user_option = click.option("--user", required=True, help="who acts")
role_option = click.option("--role", "roles", multiple=True, type=click.Choice(ROLES))


@click.command()
@with_appcontext
@click.argument("programmes", nargs=-1)
@click.option("--by", default="cli", help="who deploys")
@click.option("--draft", is_flag=True,
              help="keep a changed version as a draft (new cases stay on the published one; "
                   "deploying it again without --draft publishes it)")
def deploy(programmes: tuple[str, ...], by: str, draft: bool) -> None:
    """Deploy programme folders from processes/ (all of them by default; a path deploys that
    folder, such as one written by ``flask process import -o``), with the forms in forms/ (or
    the folder's own, for an imported version zip); a version is made only when a file, a
    form or a settings default changed."""
    root = Path(current_app.config["PROCESSES_DIR"])
    folders = [root / p for p in programmes] or sorted(p.parent for p in root.glob("*/*.bpmn"))
    from .process_cli import folder_forms

    for folder in dict.fromkeys(folders):
        forms = folder_forms(folder) or _forms()  # a folder imported from a version zip
        try:
            with unit_of_work(db.session):
                result = engine.deploy_folder(db.session, folder, forms, by, publish=not draft)
        except engine.EngineError as error:
            _fail(error)
        state = ("new draft" if draft else "new version") if result.created else "unchanged"
        click.echo(f"{result.programme}: version {result.version} ({state})")


@click.group(cls=AppGroup)
def territory() -> None:
    """Territories (comunas, Ambiti) and their calendars."""


@territory.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--country", required=True, type=click.Choice(["CL", "IT"]))
@click.option("--region", help="holiday subdivision, e.g. AN (Antofagasta) or VA (Varese)")
@click.option("--tz", "timezone", required=True, help="e.g. America/Santiago, Europe/Rome")
def territory_add(code, name, country, region, timezone) -> None:
    """Add a territory (the time zone and the holiday subdivision are checked)."""
    try:
        with unit_of_work(db.session):
            add_territory(db.session, code, name, country, region, timezone)
    except engine.EngineError as error:
        _fail(error)
    click.echo(f"territory {code} added")


@click.group(cls=AppGroup)
def case() -> None:
    """Start and inspect cases."""


@case.command("start")
@click.option("--programme", required=True)
@click.option("--territory", "territory_code", required=True)
@click.option("--family", required=True, help="household family name")
@click.option("--caseworker", required=True)
@click.option("--national-id", help="the reference person's RUT or codice fiscale")
@user_option
@at_option
def case_start(programme, territory_code, family, caseworker, national_id, user, at) -> None:
    """Open a programme for a new household."""
    command = engine.StartCase(programme, territory_code, caseworker, family,
                               national_id=national_id)
    try:
        with unit_of_work(db.session):
            started = engine.start_case(db.session, command, _actor(user, ()), _moment(at),
                                        staff=staff_member)
    except engine.EngineError as error:
        _fail(error)
    click.echo(f"case {started.id} started")


@case.command("show")
@click.argument("case_id", type=int)
def case_show(case_id: int) -> None:
    """Print a case: status, open tasks, timers, data and history."""
    try:
        view = engine.show_case(db.session, case_id, _actor("cli", ()))
    except engine.EngineError as error:
        _fail(error)
    from .case_text import render_case

    click.echo(render_case(view))


@click.group(cls=AppGroup)
def task() -> None:
    """List, claim and complete user tasks."""


@task.command("list")
@user_option
@role_option
def task_list(user, roles) -> None:
    """Tasks assigned to USER and unclaimed tasks of their roles."""
    for row in engine.list_tasks(db.session, _actor(user, roles)):
        due = row.due_at.strftime("%Y-%m-%d %H:%M UTC") if row.due_at else "-"  # late from
        who = row.assignee or f"({row.role})"
        click.echo(f"{row.id}  case {row.case_id:<5} {row.title:<45} late from {due}  {who}")


@task.command("claim")
@click.argument("task_id")
@user_option
@role_option
@at_option
def task_claim(task_id, user, roles, at) -> None:
    """Claim an unclaimed task."""
    try:
        with unit_of_work(db.session):
            engine.claim(db.session, task_id, _actor(user, roles), _moment(at))
    except engine.EngineError as error:
        _fail(error)
    click.echo("claimed")


@task.command("complete")
@click.argument("task_id")
@click.option("--data", "data_json", default="{}", help="the form data as JSON")
@user_option
@role_option
@at_option
def task_complete(task_id, data_json, user, roles, at) -> None:
    """Complete a task with JSON data (validated against its form)."""
    try:
        data = json.loads(data_json)
    except json.JSONDecodeError as error:
        raise click.ClickException(f"--data is not valid JSON: {error}") from error
    try:
        with unit_of_work(db.session):
            row = engine.complete(db.session, _forms(), task_id, data, _actor(user, roles),
                                  _moment(at))
    except engine.EngineError as error:
        _fail(error)
    click.echo(f"completed '{row.title}' on case {row.case_id}")


@click.group(cls=AppGroup)
def timers() -> None:
    """The timer sweep."""


@timers.command("fire")
@at_option
def timers_fire(at) -> None:
    """Fire every timer due as of --at (default: now)."""
    result = engine.fire_due_timers(db.engine, _moment(at))
    click.echo(f"fired {result.fired} timer(s) on {result.instances} case(s); "
               f"{result.skipped} skipped, {result.failed} failed")


@click.command()
@with_appcontext
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--sweep-every", default=5.0, help="seconds between timer sweeps")
def serve(host: str, port: int, sweep_every: float) -> None:
    """Serve the app on this machine; without REDIS_URL, also fire timers in a thread."""
    from .background import Sweeper

    app = current_app._get_current_object()
    if not app.config.get("REDIS_URL"):
        Sweeper(app, sweep_every).start()
        click.echo(f"timer sweep: when timers fall due, at least every {sweep_every:g} s, in "
                   "this process (no REDIS_URL)")
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True)
