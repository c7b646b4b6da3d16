"""Who a command-line command acts as: the person its ``--by USER`` names (an active staff
member, web.auth.people), or the engine itself when the option is left out."""

import click

import engine

from .auth.people import staff_member


def acting_person(username: str | None) -> engine.Actor:
    """The active person called ``username`` (``None``: the system); anyone else is refused
    in one line, before anything changes."""
    if username is None:
        return engine.SYSTEM
    person = staff_member(username)
    if person is None:
        raise click.ClickException(f"no active person called {username}; nothing changed")
    return person
