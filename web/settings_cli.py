"""``flask settings show <programme>`` and ``flask settings set <programme> plazos.x.dias=20``."""

import tomllib

import click
from flask.cli import AppGroup

import engine
from engine import unit_of_work
from engine.commands import programme_settings
from engine.definitions import catalog, instruments
from engine.programmes.settings_changes import anchors_allowed

from . import cli_errors
from .extensions import db
from .programmes.queries import in_process_order


@click.group(cls=AppGroup)
def settings() -> None:
    """Programme settings: deadlines and cycles a manager may change."""


@settings.command("show")
@click.argument("programme")
@click.option("--history", "shown", default=10, help="how many past changes to list")
def settings_show(programme: str, shown: int) -> None:
    """Print every deadline rule and cycle of PROGRAMME, and its latest changes."""
    row = _programme(programme)
    live = catalog.settings_of(row)
    deployed = row.file_settings or row.settings
    click.echo(f"{live.name} ({live.key}, {live.country})")
    for key in in_process_order(db.session, programme, live.deadlines):
        rule = live.deadlines[key]
        anchors = ", ".join(anchors_allowed(row.settings, deployed, key))
        click.echo(f"  plazos.{key}: {rule.describe()}; aviso {rule.reminder_days} días antes"
                   f" — {rule.title} [desde: {anchors}]")
    for key, period in sorted(live.cycles.items()):
        click.echo(f"  ciclos.{key}: {period}")
    published = catalog.latest_definition(db.session, programme).settings_schema
    for item in instruments.instruments_of(published):
        click.echo(f"  instrumentos.{item.key}: {item.state} — {item.title} ({item.source})")
    for change in programme_settings.history(db.session, programme, shown):
        click.echo(f"{change.at:%Y-%m-%d %H:%M} UTC {change.actor} ({change.source})")
        for item in change.changes:
            click.echo(f"    {item['field']}: {item['before']} → {item['after']}")


@settings.command("set")
@click.argument("programme")
@click.argument("assignments", nargs=-1, required=True)
@click.option("--user", default="cli", help="who makes the change (kept in the history)")
@click.option("--at", "at", help="act as of this ISO date-time (default: now)")
def settings_set(programme: str, assignments: tuple[str, ...], user: str, at: str | None) -> None:
    """Change settings of PROGRAMME, e.g. ``plazos.diagnostico.dias=45 plazos.x.tipo=habiles``."""
    changes = dict(_assignment(text) for text in assignments)
    actor = engine.Actor(user, frozenset({engine.policy.MANAGER}), None)
    moment = cli_errors.moment(at)
    try:
        with unit_of_work(db.session):
            change = engine.update_settings(db.session, programme, changes, actor, moment)
    except engine.InvalidSettings as error:
        lines = "; ".join(e.message for e in error.errors)
        raise click.ClickException(f"nothing changed; invalid settings: {lines}") from error
    except engine.EngineError as error:
        raise click.ClickException(f"{type(error).__name__}: {error}") from error
    if change is None:
        click.echo("nothing changed: the settings already had those values")
    for item in change.changes if change else []:
        click.echo(f"{item['field']}: {item['before']} → {item['after']}")


def _programme(key: str):
    try:
        return catalog.programme(db.session, key)
    except engine.NotFound as error:
        raise click.ClickException(str(error)) from error


def _assignment(text: str) -> tuple[str, object]:
    """``plazos.x.dias=20`` → ``("plazos.x.dias", 20)``; a value that is not TOML is text."""
    path, sep, value = text.partition("=")
    if not sep or not path.strip():
        raise click.BadParameter(f"{text!r}: write field=value, e.g. plazos.diagnostico.dias=45")
    try:
        return path.strip(), tomllib.loads(f"v = {value.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        return path.strip(), value.strip()
