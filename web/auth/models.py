"""User accounts: roles, territories, preferred language, and sign-in throttling."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine import Actor
from engine.models import Base, Territory

ROLES = ("caseworker", "supervisor", "manager", "admin")

user_territory = Table(
    "user_territory", Base.metadata,
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True),
    Column("territory_id", ForeignKey("territory.id", ondelete="CASCADE"), primary_key=True),
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
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    territories: Mapped[list[Territory]] = relationship(secondary=user_territory,
                                                        lazy="selectin")

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
        return Actor(self.username, self.role_set, self.territory_ids)
