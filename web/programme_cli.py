"""``flask programme enable|disable <programme> <territory>`` and ``flask programme list``:
which territories may open cases of which programme (engine.commands.programme_territories)."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

import engine
from engine.commands import programme_territories
from engine.persistence.models import Programme

from .extensions import db


@click.group(cls=AppGroup)
def programme() -> None:
    """Programmes and the territories that run them."""


def _refused(error: engine.EngineError) -> click.ClickException:
    params = error.params
    if error.code == "policy.country_mismatch":
        return click.ClickException(
            f"{params['programme']} runs in {params['country']}; {params['territory']} is in "
            f"{params['territory_country']}: nothing changed")
    return click.ClickException(f"{type(error).__name__}: {error}; nothing changed")


@programme.command("enable")
@click.argument("key")
@click.argument("territory_code")
def programme_enable(key: str, territory_code: str) -> None:
    """Let cases of programme KEY be opened in TERRITORY_CODE (same country only)."""
    _switch(engine.enable_programme, key, territory_code, "enabled", "already enabled")


@programme.command("disable")
@click.argument("key")
@click.argument("territory_code")
def programme_disable(key: str, territory_code: str) -> None:
    """Stop new cases of programme KEY in TERRITORY_CODE (open cases go on)."""
    _switch(engine.disable_programme, key, territory_code, "disabled", "was not enabled")


def _switch(change, key: str, territory_code: str, changed: str, unchanged: str) -> None:
    """Run ``change`` (enable or disable) and say what it did, or why nothing changed."""
    try:
        with engine.unit_of_work(db.session):
            did = change(db.session, key, territory_code, engine.SYSTEM)
    except engine.EngineError as error:
        raise _refused(error) from error
    click.echo(f"{key} {changed if did else unchanged} in {territory_code}")


@programme.command("list")
def programme_list() -> None:
    """Every deployed programme and the territories it is enabled in."""
    for row in db.session.scalars(select(Programme).order_by(Programme.key)):
        codes = programme_territories.territories_of(db.session, row.key)
        click.echo(f"{row.key}: {', '.join(codes) or '(no territory)'}")
