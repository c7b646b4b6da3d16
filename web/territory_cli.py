"""``flask territory edit|programmes|holiday`` beside ``flask territory add`` (web/cli.py):
a territory's name, region and time zone, the programmes it runs (with their start date)
and the days it closes on besides the public holidays."""

from datetime import date

import click

import engine
from engine.commands import programme_territories, territory_places
from engine.commands import territory_admin as admin

from .cli import territory
from .extensions import db


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise click.ClickException(f"{value}: not a date (write it 2026-08-15); nothing "
                                   "changed") from error


@territory.command("edit")
@click.argument("code")
@click.option("--name")
@click.option("--region", help="holiday subdivision ('' for none)")
@click.option("--tz", "timezone", help="e.g. America/Santiago, Europe/Rome")
def territory_edit(code, name, region, timezone) -> None:
    """Change a territory's name, holiday region or time zone (checked like a new one)."""
    changes = {k: v for k, v in (("name", name), ("region", region), ("timezone", timezone))
               if v is not None}
    with engine.unit_of_work(db.session):
        changed = admin.edit_territory(db.session, code, changes, engine.SYSTEM)
    click.echo(f"{code}: " + (", ".join(f"{f} {b} -> {a}" for f, (b, a) in changed.items())
                              or "unchanged"))


@territory.command("programmes")
@click.argument("code")
@click.option("--enable", "enable", multiple=True, metavar="PROGRAMME[@START]",
              help="run PROGRAMME here (from START, 2026-04-01); repeat")
@click.option("--disable", "disable", multiple=True, metavar="PROGRAMME")
def territory_programmes(code, enable, disable) -> None:
    """List (and with --enable/--disable change) the programmes territory CODE runs."""
    with engine.unit_of_work(db.session):
        for value in enable:
            key, _at, start = value.partition("@")
            starts_on = _day(start) if start else None
            if not engine.enable_programme(db.session, key, code, engine.SYSTEM, starts_on) \
                    and starts_on:
                admin.set_programme_start(db.session, key, code, starts_on, engine.SYSTEM)
        for key in disable:
            engine.disable_programme(db.session, key, code, engine.SYSTEM)
    admin.territory(db.session, code)
    for key, starts_on in programme_territories.programmes_of(db.session, code):
        click.echo(f"{key}\t{starts_on.isoformat() if starts_on else '-'}")


@territory.command("holiday")
@click.argument("code")
@click.argument("day")
@click.argument("name")
@click.option("--yearly", is_flag=True, help="every year on that day (a patron saint's day)")
def territory_holiday(code, day, name, yearly) -> None:
    """Territory CODE closes on DAY: working-day deadlines counted there skip it."""
    with engine.unit_of_work(db.session):
        admin.add_holiday(db.session, code, _day(day), name, yearly, engine.SYSTEM)
    click.echo(f"{code}: {name} on {day}{' every year' if yearly else ''}")


@territory.command("places")
@click.argument("code")
@click.argument("programme_key")
@click.argument("places", nargs=-1, required=True, metavar="MODALITY=N...")
def territory_places_set(code, programme_key, places) -> None:
    """Set the places programme PROGRAMME_KEY has in territory CODE, per modality."""
    values = {}
    for item in places:
        modality, equals, number = item.partition("=")
        if not equals:
            raise click.ClickException(f"{item}: write it MODALITY=N, e.g. charlas=120; "
                                       "nothing changed")
        values[modality.strip()] = number.strip()
    with engine.unit_of_work(db.session):
        changed = territory_places.set_places(db.session, programme_key, code, values,
                                              engine.SYSTEM)
    click.echo(f"{code} {programme_key}: " + (", ".join(
        f"{m} {b if b is not None else '-'} -> {a}" for m, (b, a) in changed.items())
        or "unchanged"))
