"""People: who may receive a task; changing a password, roles or whether an account is active."""

from collections.abc import Iterable

from sqlalchemy import select, union

from engine import Actor, policy
from engine.persistence.models import HumanTask

from ..extensions import db
from .models import ROLES, User, UserRole, user_territory
from .passwords import hash_password
from .sessions import end_all


def candidates(task: HumanTask) -> list[User]:
    """Active people the policy lets take ``task`` (``take_task``): the reassign picker."""
    return who_may(policy.TAKE_TASK, task)


def who_may(action: str, thing: object) -> list[User]:
    """Active people, by name, the engine policy lets take ``thing`` (``take_task``,
    ``take_post``): what a people picker offers."""
    users = working_in(_territory_of(thing))
    allowed = {a.id for a in policy.who_may(db.session, [u.actor() for u in users],
                                            action, thing)}
    return [u for u in users if u.username in allowed]


def _territory_of(thing: object) -> set[int] | None:
    """The territory a task or a post is in (None: not known, every person is asked)."""
    territory = getattr(thing, "territory_id", None)
    if territory is None:
        territory = getattr(getattr(thing, "case", None), "territory_id", None)
    return None if territory is None else {territory}


def working_in(territories: Iterable[int] | None) -> list[User]:
    """Active people, by name, who work in one of ``territories`` (every active person when
    None): nobody else may take a task there, so a picker of a country with thousands of
    caseworkers reads only those of the comunas on the page."""
    query = select(User).where(User.active.is_(True)).order_by(User.full_name)
    if territories is not None:
        query = query.where(working_in_any(territories))
    return list(db.session.scalars(query))


def working_in_any(territories: Iterable[int]):
    """SQL condition: the person works in one of ``territories`` (in any role)."""
    ids = sorted(territories)
    return User.id.in_(union(
        select(user_territory.c.user_id).where(user_territory.c.territory_id.in_(ids)),
        select(UserRole.user_id).where(UserRole.territory_id.in_(ids))))


def pickers(tasks) -> dict[str, list[User]]:
    """For each task (by id), the people who may take it; asked once per role and territory."""
    tasks = list(tasks)
    users = working_in({task.territory_id for task in tasks})
    actors = [u.actor() for u in users]
    by_post: dict[tuple, list[User]] = {}
    found = {}
    for task in tasks:
        post = (task.role, task.territory_id)
        if post not in by_post:
            allowed = {a.id for a in policy.who_may(db.session, actors, policy.TAKE_TASK,
                                                    task)}
            by_post[post] = [u for u in users if u.username in allowed]
        found[task.id] = by_post[post]
    return found


def eligible_assignee(task: HumanTask, username: str) -> User | None:
    """The user called ``username`` if they may receive ``task``."""
    return next((u for u in candidates(task) if u.username == username.strip()), None)


def person(username: str) -> User | None:
    """The account called ``username``, active or not, or ``None``."""
    return db.session.scalars(select(User).where(User.username == username)).first()


def full_name(username: str | None) -> str | None:
    """How ``username`` reads on a page (their full name), or the username if unknown."""
    if username is None:
        return None
    found = person(username)
    return found.full_name if found else username


def staff_member(username: str) -> Actor | None:
    """The active person called ``username`` as the engine sees them, or ``None`` (the
    engine's check that a case's caseworker exists and works in its territory)."""
    user = person(username)
    return user.actor() if user is not None and user.active else None


def set_password(user: User, password: str) -> int:
    """Give ``user`` a new password; every session of theirs ends (how many were open)."""
    user.password_hash = hash_password(password)
    return end_all(user, "password")


def set_roles(user: User, roles: Iterable[str]) -> int:
    """Replace ``user``'s roles; their sessions end, so no page runs on the old ones."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {', '.join(sorted(unknown))}")
    user.roles = ",".join(sorted(set(roles)))
    return end_all(user, "roles")


def set_active(user: User, active: bool) -> int:
    """Activate or deactivate ``user``; deactivating ends every session of theirs."""
    user.active = active
    if active:
        db.session.commit()
        return 0
    return end_all(user, "deactivated")
