"""Where an actor reaches: the one territory filter of every query, and its plain-Python twin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Select, and_, false, or_, true

from ..core.roles import ROLES, SYSTEM_ROLE
from ..persistence.models import Case

if TYPE_CHECKING:
    from ..core.actors import Actor

KNOWN_ROLES = frozenset({*ROLES, SYSTEM_ROLE})


def reach(actor: Actor, territory_column) -> ColumnElement[bool]:
    """SQL condition: the row's territory (``territory_column``) is one ``actor`` works in;
    always false for a person without a role."""
    if not actor.roles & KNOWN_ROLES:
        return false()
    if actor.territories is None:
        return true()
    return territory_column.in_(sorted(actor.territories))


def visible(actor: Actor, query: Select, territory_column=Case.territory_id) -> Select:
    """``query`` limited to the rows ``actor`` may see, by their ``territory_column``
    (``Case.territory_id`` unless told otherwise)."""
    return query.where(reach(actor, territory_column))


def sees_territory(actor: Actor, territory_id: int) -> bool:
    """Whether ``actor`` has a role and works in ``territory_id``."""
    return bool(actor.roles & KNOWN_ROLES) and actor.covers(territory_id)


def territory_ids(actor: Actor, all_ids) -> list[int]:
    """Of ``all_ids``, the territories ``actor`` sees (none for a person without a role)."""
    return [t for t in all_ids if sees_territory(actor, t)]


def is_system(actor: Actor) -> bool:
    """Whether ``actor`` is the engine itself (or the command line acting as it)."""
    return SYSTEM_ROLE in actor.roles


def supervises(actor: Actor, territory_id: int) -> bool:
    """Whether ``actor`` supervises ``territory_id`` (the system supervises everywhere)."""
    return actor.supervises(territory_id) or is_system(actor)


def pool(actor: Actor, role_column, territory_column) -> ColumnElement[bool]:
    """SQL condition: a row of a role ``actor`` holds in its territory (a task waiting for
    anyone of its role): each role only where the actor holds it."""
    if actor.territory_roles is None:
        return and_(role_column.in_(sorted(actor.roles)), reach(actor, territory_column))
    if not actor.territory_roles:
        return false()
    return or_(*(and_(territory_column == t, role_column.in_(sorted(roles)))
                 for t, roles in actor.territory_roles))
