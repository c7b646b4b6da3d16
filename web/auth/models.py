"""User accounts (roles, territories, preferred language) and their sign-in sessions."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine import Actor
from engine.persistence.models import Base, Territory
from engine.policy import ROLES

__all__ = ["ROLES", "OneTimeLink", "User", "UserRole", "UserSession", "user_territory"]

user_territory = Table(
    "user_territory", Base.metadata,
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True),
    Column("territory_id", ForeignKey("territory.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_user_territory_territory", "territory_id", "user_id"),  # who works in a comuna
)


class User(Base):
    """A person who signs in: a caseworker, supervisor, manager or admin."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    roles: Mapped[str] = mapped_column(String(200), default="")
    locale: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(default=True)
    territories: Mapped[list[Territory]] = relationship(secondary=user_territory,
                                                        lazy="selectin")
    # the roles a person holds territory by territory; none (people made before roles per
    # territory): every role of ``roles`` in every territory of ``territories``
    territory_roles: Mapped[list["UserRole"]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="UserRole.territory_id")

    # Flask-Login protocol
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        """Whether the account may sign in."""
        return self.active

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session."""
        return str(self.id)

    @property
    def role_set(self) -> frozenset[str]:
        """The person's roles."""
        return frozenset(r for r in self.roles.split(",") if r)

    def has_role(self, role: str) -> bool:
        """Whether the person has ``role``."""
        return role in self.role_set

    @property
    def territory_ids(self) -> frozenset[int]:
        """The territories the person works in."""
        return frozenset(t.id for t in self.territories)

    def actor(self) -> Actor:
        """This person as the engine sees them."""
        if self.territory_roles:
            return Actor.of_roles(self.username, self.role_pairs)
        return Actor(self.username, self.role_set, self.territory_ids)

    @property
    def role_pairs(self) -> list[tuple[int, str]]:
        """``(territory_id, role)`` for each role the person holds in each territory."""
        if self.territory_roles:
            return sorted((r.territory_id, r.role) for r in self.territory_roles)
        return sorted((t, role) for t in self.territory_ids for role in self.role_set)


class UserRole(Base):
    """A role a person holds in one territory (caseworker in one comuna, supervisor in
    another)."""

    __tablename__ = "user_territory_role"
    __table_args__ = (Index("ix_user_territory_role_territory", "territory_id", "user_id"),)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"),
                                         primary_key=True)
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="CASCADE"),
                                              primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class OneTimeLink(Base):
    """A link e-mailed to a person to set their password (an invitation, a reset): only the
    SHA-256 of its token is kept; it works once, until ``expires_at``."""

    __tablename__ = "one_time_link"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"),
                                         index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class UserSession(Base):
    """One sign-in: alive until signed out, idle too long, too old, or the account changed.

    The browser's signed cookie holds a random token; only its SHA-256 is stored here, so a
    copy of this table cannot be replayed. ``credentials`` is a digest of what the session was
    granted on (password hash, roles, territories, active): when any of them changes, by the
    web, the command line or by hand in the database, the session ends at its next request.
    """

    __tablename__ = "user_session"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"),
                                         index=True)
    credentials: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_why: Mapped[str | None] = mapped_column(String(20))
