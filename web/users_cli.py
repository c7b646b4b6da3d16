"""``flask admin create USERNAME`` (the first administrator of a fresh installation) and
``flask users create|edit|deactivate|activate|list`` (people and their roles per territory,
for scripted set-ups). Roles are given as ``ROLE@TERRITORY`` (``caseworker@antofagasta``).
The command line acts as the system; each change is in the audit trail like one made in the
browser (web.admin.accounts)."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

import engine
from engine import policy

from .admin import accounts, links
from .auth.models import ROLES, User
from .auth.people import person, set_password, staff_member
from .extensions import db

role_option = click.option(
    "--role", "roles", multiple=True, metavar="ROLE@TERRITORY",
    help=f"a role in a territory (roles: {', '.join(ROLES)}); repeat for several")


def role_pairs(values) -> list[tuple[str, str]]:
    """``[(territory, role)]`` of ``ROLE@TERRITORY`` values; a malformed one is refused."""
    pairs = []
    for value in values:
        role, at, code = value.partition("@")
        if not at or not role or not code:
            raise click.ClickException(f"--role {value}: write it ROLE@TERRITORY, e.g. "
                                       "caseworker@antofagasta; nothing changed")
        pairs.append((code.strip(), role.strip()))
    return pairs


def _known(username: str) -> User:
    found = person(username)
    if found is None:
        raise click.ClickException(f"no such person: {username}; nothing changed")
    return found


@click.group(cls=AppGroup)
def admin() -> None:
    """Bootstrapping an installation."""


@admin.command("create")
@click.argument("username")
@click.option("--territory", "territories", multiple=True, required=True,
              help="a territory the administrator administers (its whole country); repeat")
@click.option("--name", "full_name", help="full name (default: the username)")
@click.option("--email", default="", help="e-mail address (for password resets)")
@click.option("--language", "locale", default="es", type=click.Choice(["es", "it", "en"]))
@click.password_option(help="the password (asked for, twice, when not given)")
def admin_create(username, territories, full_name, email, locale, password) -> None:
    """Make the first administrator USERNAME (a fresh installation: add a territory first,
    ``flask territory add``)."""
    problems = links.password_errors(password, password)
    if problems:
        raise click.ClickException(f"password too {'short' if 'short' in problems else 'long'}"
                                   f" (at least {links.MIN_PASSWORD} characters); nothing "
                                   "changed")
    details = accounts.Details(full_name or username, email, locale)
    user = accounts.create_person(username, details, [(t, policy.ADMIN) for t in territories],
                                  engine.SYSTEM, email_required=False)
    db.session.flush()
    set_password(user, password)  # commits, with the account
    click.echo(f"administrator {user.username} created for {', '.join(territories)}")


@click.group(cls=AppGroup)
def users() -> None:
    """People's accounts and their roles per territory."""


@users.command("create")
@click.argument("username")
@click.option("--name", "full_name", required=True)
@click.option("--email", required=True)
@click.option("--language", "locale", default="es", type=click.Choice(["es", "it", "en"]))
@role_option
@click.option("--invite/--no-invite", default=True,
              help="e-mail the person a one-time link to choose their password (default)")
def users_create(username, full_name, email, locale, roles, invite) -> None:
    """Create USERNAME with the roles given; the invitation sets their password."""
    if invite:
        links.require_mail()
    user = accounts.create_person(username, accounts.Details(full_name, email, locale),
                                  role_pairs(roles), engine.SYSTEM)
    db.session.flush()
    if invite:
        links.send(user, links.INVITE, "cli")  # commits the account, then mails
    db.session.commit()
    click.echo(f"{user.username} created{'; invitation sent to ' + email if invite else ''}")


@users.command("edit")
@click.argument("username")
@click.option("--name", "full_name")
@click.option("--email")
@click.option("--language", "locale", type=click.Choice(["es", "it", "en"]))
@role_option
def users_edit(username, full_name, email, locale, roles) -> None:
    """Change USERNAME's name, e-mail, language; --role (given at all) replaces every role."""
    user = _known(username)
    details = accounts.Details(full_name or user.full_name, email or user.email or "",
                               locale or user.locale or "es")
    changed = accounts.edit_person(user, details, role_pairs(roles) if roles else None,
                                   engine.SYSTEM)
    db.session.commit()
    click.echo(f"{username}: {', '.join(changed) or 'details unchanged'}"
               f"{'; roles ' + ', '.join(roles) if roles else ''}")


@users.command("deactivate")
@click.argument("username")
@click.option("--hand-over-to", "colleague",
              help="first give USERNAME's open cases and steps to this colleague")
def users_deactivate(username, colleague) -> None:
    """Stop USERNAME signing in (their sessions end); what they hold must be handed over."""
    user = _known(username)
    moved = (0, 0)
    if colleague:
        with engine.unit_of_work(db.session):
            moved = engine.hand_over(db.session, accounts.account(user), colleague,
                                     engine.SYSTEM, staff=staff_member)
    try:
        ended = accounts.deactivate(user, engine.SYSTEM)
    except engine.Conflict as error:
        raise click.ClickException(
            f"{username} still holds {error.params['cases']} open case(s) and "
            f"{error.params['steps']} open step(s): use --hand-over-to COLLEAGUE; nothing "
            "changed") from error
    db.session.commit()
    handed = f"{moved[0]} case(s) and {moved[1]} step(s) to {colleague}; " if colleague else ""
    click.echo(f"{username}: {handed}deactivated; {ended} open session(s) ended")


@users.command("activate")
@click.argument("username")
def users_activate(username) -> None:
    """Let USERNAME sign in again."""
    accounts.activate(_known(username), engine.SYSTEM)
    db.session.commit()
    click.echo(f"{username}: active")


@users.command("list")
@click.option("--territory", "territory_code", help="only people working there")
@click.option("--inactive", is_flag=True, help="include deactivated people")
def users_list(territory_code, inactive) -> None:
    """Everyone (active, unless --inactive), with their roles per territory."""
    query = select(User).order_by(User.username)
    if not inactive:
        query = query.where(User.active.is_(True))
    for user in db.session.scalars(query):
        codes = {t.id: t.code for t in user.territories}
        if territory_code and territory_code not in codes.values():
            continue
        roles = " ".join(f"{role}@{codes.get(t, t)}" for t, role in user.role_pairs)
        state = "" if user.active else " (inactive)"
        click.echo(f"{user.username}\t{user.full_name}\t{user.email or '-'}\t{roles}{state}")
