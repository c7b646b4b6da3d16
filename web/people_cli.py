"""``flask user password|roles|deactivate|activate USERNAME``: account changes end sessions."""

import click
from flask.cli import AppGroup

from .auth import people
from .auth.models import ROLES, User


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
    """Stop USERNAME signing in (ends every session of theirs at its next request)."""
    _ended(username, people.set_active(_person(username), False))


@user.command("activate")
@click.argument("username")
def user_activate(username: str) -> None:
    """Let USERNAME sign in again."""
    people.set_active(_person(username), True)
    click.echo(f"{username}: active")
