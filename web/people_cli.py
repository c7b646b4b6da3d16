"""``flask user password|roles|deactivate|activate USERNAME``: account changes end sessions
(deactivating and activating as ``flask users`` does, web/users_cli.py)."""

import click
from flask.cli import AppGroup

import engine

from .admin import accounts
from .auth import people
from .auth.models import ROLES, User
from .extensions import db


@click.group(cls=AppGroup)
def user() -> None:
    """People's accounts: password, roles, active or not."""


def _person(username: str) -> User:
    found = people.person(username)
    if found is None:
        raise click.ClickException(f"no such person: {username}")
    return found


def _ended(username: str, count: int) -> None:
    click.echo(f"{username}: done; {count} open session(s) ended")


@user.command("password")
@click.argument("username")
@click.password_option(help="the new password (asked for when not given)")
def user_password(username: str, password: str) -> None:
    """Give USERNAME a new password (ends every session of theirs)."""
    _ended(username, people.set_password(_person(username), password))


@user.command("roles")
@click.argument("username")
@click.argument("roles", nargs=-1, required=True, type=click.Choice(ROLES))
def user_roles(username: str, roles: tuple[str, ...]) -> None:
    """Replace USERNAME's roles (ends every session of theirs)."""
    _ended(username, people.set_roles(_person(username), roles))


@user.command("deactivate")
@click.argument("username")
def user_deactivate(username: str) -> None:
    """Stop USERNAME signing in (ends every session of theirs at its next request); refused
    while they hold open cases or steps (``flask users deactivate --hand-over-to``)."""
    try:
        ended = accounts.deactivate(_person(username), engine.SYSTEM)
    except engine.Conflict as error:
        raise click.ClickException(
            f"{username} still holds {error.params['cases']} open case(s) and "
            f"{error.params['steps']} open step(s): flask users deactivate {username} "
            "--hand-over-to COLLEAGUE; nothing changed") from error
    db.session.commit()
    _ended(username, ended)


@user.command("activate")
@click.argument("username")
def user_activate(username: str) -> None:
    """Let USERNAME sign in again."""
    accounts.activate(_person(username), engine.SYSTEM)
    db.session.commit()
    click.echo(f"{username}: active")
