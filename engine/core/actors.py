"""Who is acting: a person with roles in territories, or the system itself."""

from dataclasses import dataclass, field

from .roles import SUPERVISOR, SYSTEM_ROLE


@dataclass(frozen=True)
class Actor:
    """A person (or the system) acting on cases; ``territories=None`` means every territory.

    What an actor may do is decided by :mod:`engine.policy`; these are its building blocks.
    """

    id: str
    roles: frozenset[str] = field(default_factory=frozenset)
    territories: frozenset[int] | None = field(default_factory=frozenset)

    def covers(self, territory_id: int) -> bool:
        """Whether this actor works in ``territory_id``."""
        return self.territories is None or territory_id in self.territories

    def may_work(self, role: str | None, territory_id: int) -> bool:
        """Whether this actor may take a task of ``role`` in ``territory_id``."""
        return role in self.roles and self.covers(territory_id)

    def supervises(self, territory_id: int) -> bool:
        """Whether this actor supervises ``territory_id`` (and may reassign there)."""
        return SUPERVISOR in self.roles and self.covers(territory_id)


SYSTEM = Actor("sistema", frozenset({SYSTEM_ROLE}), None)
