"""Who is acting: a person with roles in territories, or the system itself."""

from dataclasses import dataclass, field

from .roles import SUPERVISOR, SYSTEM_ROLE

TerritoryRoles = tuple[tuple[int, frozenset[str]], ...]


@dataclass(frozen=True)
class Actor:
    """A person (or the system) acting on cases; ``territories=None`` means every territory.

    ``territory_roles`` (``((territory_id, roles), ...)``), when given, says which of the
    person's ``roles`` they hold in which territory (a caseworker in one comuna, a supervisor
    in another); without it every role holds in every territory of ``territories``. ``roles``
    and ``territories`` are then the union of it. What an actor may do is decided by
    :mod:`engine.policy`; these are its building blocks.
    """

    id: str
    roles: frozenset[str] = field(default_factory=frozenset)
    territories: frozenset[int] | None = field(default_factory=frozenset)
    territory_roles: TerritoryRoles | None = None

    @classmethod
    def of_roles(cls, id: str, pairs) -> "Actor":
        """An actor from ``(territory_id, role)`` pairs: each role only where it is given."""
        by_territory: dict[int, set[str]] = {}
        for territory_id, role in pairs:
            by_territory.setdefault(territory_id, set()).add(role)
        mapping = tuple(sorted((t, frozenset(r)) for t, r in by_territory.items()))
        roles = frozenset(role for _t, role in pairs)
        return cls(id, roles, frozenset(by_territory), mapping)

    def covers(self, territory_id: int) -> bool:
        """Whether this actor works in ``territory_id``."""
        return self.territories is None or territory_id in self.territories

    def roles_in(self, territory_id: int) -> frozenset[str]:
        """The roles this actor holds in ``territory_id`` (none where they do not work)."""
        if not self.covers(territory_id):
            return frozenset()
        if self.territory_roles is None:
            return self.roles
        return dict(self.territory_roles).get(territory_id, frozenset())

    def may_work(self, role: str | None, territory_id: int) -> bool:
        """Whether this actor may take a task of ``role`` in ``territory_id``."""
        return role in self.roles_in(territory_id)

    def supervises(self, territory_id: int) -> bool:
        """Whether this actor supervises ``territory_id`` (and may reassign there)."""
        return SUPERVISOR in self.roles_in(territory_id)


SYSTEM = Actor("sistema", frozenset({SYSTEM_ROLE}), None)
