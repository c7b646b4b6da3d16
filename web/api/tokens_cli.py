"""``flask tokens create|list|revoke``: the API's machine clients from the command line (the
token is printed once; only its hash is kept)."""

from datetime import UTC, datetime, time

import click
from flask.cli import AppGroup

import engine

from ..extensions import db
from . import tokens as clients


@click.group(cls=AppGroup)
def tokens() -> None:
    """API clients (other systems) and their tokens."""


def _expiry(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise click.ClickException(f"--expires {value}: not a date (write it 2027-06-30); "
                                   "nothing changed") from error
    if len(value) == 10:  # a day: the token works through the end of it (UTC)
        moment = datetime.combine(moment.date(), time.max)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@tokens.command("create")
@click.argument("name")
@click.option("--territory", "territories", multiple=True, required=True,
              help="a territory code the client works in; repeat for several")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(engine.policy.ROLES), help="a role it acts with; repeat")
@click.option("--expires", help="last day the token works (2027-06-30); default: no expiry")
def tokens_create(name, territories, roles, expires) -> None:
    """Create client NAME and print its token (shown only this once)."""
    with engine.unit_of_work(db.session):
        client, token = clients.create_client(db.session, name, list(territories),
                                              list(roles), _expiry(expires), engine.SYSTEM)
    click.echo(f"client {client.name} created; its token (shown only once):")
    click.echo(token)


@tokens.command("list")
def tokens_list() -> None:
    """Every client: state, territories, roles, expiry and last use."""
    for client in clients.clients(db.session, engine.SYSTEM):
        expires = client.expires_at.date().isoformat() if client.expires_at else "-"
        used = client.last_used_at.strftime("%Y-%m-%d %H:%M UTC") if client.last_used_at \
            else "never"
        click.echo(f"{client.name}\t{clients.state(client)}\t{client.prefix}…\t"
                   f"{','.join(client.territories)}\t{','.join(client.roles)}\t"
                   f"expires {expires}\tlast used {used}")


@tokens.command("revoke")
@click.argument("name")
def tokens_revoke(name) -> None:
    """Refuse client NAME's token from now on."""
    with engine.unit_of_work(db.session):
        client = clients.revoke(db.session, name, engine.SYSTEM)
    click.echo(f"client {client.name} revoked")
