"""The API's own tables: machine clients with their hashed tokens, and the answers kept for
retried creates (``Idempotency-Key``)."""

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.models import Base, UtcDateTime


class ApiClient(Base):
    """A system that calls the API (a national registry, a mobile app, a data warehouse):
    the roles it acts with in its territories (codes), until ``expires_at`` unless revoked.
    Only the SHA-256 of its token is kept; ``prefix`` (the token's first characters) names it
    in lists."""

    __tablename__ = "api_client"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    territories: Mapped[list] = mapped_column(JSON, default=list)
    roles: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class IdempotentRequest(Base):
    """The answer given to a create sent with an ``Idempotency-Key``: sent again (same caller,
    same key, same body), it gets the same answer instead of a second case."""

    __tablename__ = "api_idempotency"
    __table_args__ = (UniqueConstraint("caller", "key"),
                      Index("ix_api_idempotency_created", "created_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    caller: Mapped[str] = mapped_column(String(140))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
